// SPDX-License-Identifier: MIT
// Events: parsing pubsub#event messages.
#include "Events.hpp"

#include "Requests.hpp"
#include "Responses.hpp"
#include "roost/Xml.hpp"

#include <cstring>

namespace roost::xep0060 {
namespace {

std::optional<Event::Kind> kind_of(const char* name) {
    if (std::strcmp(name, "items") == 0) return Event::Kind::Items;
    if (std::strcmp(name, "purge") == 0) return Event::Kind::Purge;
    if (std::strcmp(name, "delete") == 0) return Event::Kind::Delete;
    if (std::strcmp(name, "configuration") == 0) return Event::Kind::Configuration;
    return std::nullopt;
}

}  // namespace

std::optional<Event> parse_event(pugi::xml_node message) {
    pugi::xml_node event = child_named(message, "event");
    if (!event || std::strcmp(event.attribute("xmlns").value(), kEventNs) != 0) return std::nullopt;
    pugi::xml_node body =
        event.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; });
    auto kind = kind_of(body.name());
    if (!kind || !*body.attribute("node").value()) return std::nullopt;

    Event result;
    result.kind = *kind;
    result.service = message.attribute("from").value();
    result.node = body.attribute("node").value();
    if (*kind == Event::Kind::Items) {
        result.items = read_items(body);
        for (pugi::xml_node retract : body.children("retract"))
            result.retracted.push_back(retract.attribute("id").value());
    }
    if (*kind == Event::Kind::Configuration && body.first_child())
        result.configuration_xml = to_xml(body);
    return result;
}

}  // namespace roost::xep0060

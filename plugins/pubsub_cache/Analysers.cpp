// SPDX-License-Identifier: MIT
// Analysers: registration by name, matching through the SDK's match_analyser, and
// parsing an item with a parser that must never fail the cache.
#include "Analysers.hpp"

#include "roost/Xml.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <exception>

namespace roost::cache {

void Analysers::add(pubsub::Analyser analyser) {
    remove(analyser.name);
    analysers_.push_back(std::move(analyser));
}

void Analysers::remove(const std::string& name) {
    std::erase_if(analysers_, [&](const pubsub::Analyser& a) { return a.name == name; });
}

std::optional<pubsub::Analyser> Analysers::by_node(std::string_view service,
                                                   std::string_view node) const {
    const pubsub::Analyser* found = pubsub::match_analyser(analysers_, service, node, "");
    // A service-wide analyser may still lose to a namespace one once items are seen.
    if (found == nullptr || found->node.empty()) return std::nullopt;
    return *found;
}

std::optional<pubsub::Analyser> Analysers::match(std::string_view service, std::string_view node,
                                                 std::string_view first_payload_ns) const {
    const pubsub::Analyser* found =
        pubsub::match_analyser(analysers_, service, node, first_payload_ns);
    if (found == nullptr) return std::nullopt;
    return *found;
}

std::optional<pubsub::Analyser> Analysers::by_name(const std::string& name) const {
    auto found = std::find_if(analysers_.begin(), analysers_.end(),
                              [&](const pubsub::Analyser& a) { return a.name == name; });
    if (found == analysers_.end()) return std::nullopt;
    return *found;
}

std::string payload_namespace(const std::string& item_xml) {
    pugi::xml_document document;
    if (!load_xml(document, item_xml)) return {};
    pugi::xml_node payload = document.document_element().find_child(
        [](pugi::xml_node child) { return child.type() == pugi::node_element; });
    if (!payload) return {};
    // The payload's own default namespace, or the one its prefix names.
    std::string name = payload.name();
    auto colon = name.find(':');
    std::string attribute = colon == std::string::npos ? "xmlns" : "xmlns:" + name.substr(0, colon);
    for (pugi::xml_node at = payload; at; at = at.parent())
        if (auto ns = at.attribute(attribute.c_str())) return ns.value();
    return {};
}

pubsub::StoredItem stored_item(const pubsub::Item& item, const pubsub::Analyser* analyser,
                               std::int64_t created) {
    pubsub::StoredItem stored;
    stored.id = item.id;
    stored.xml = item.xml;
    stored.publisher = item.publisher;
    stored.created = created;
    stored.parsed = nullptr;
    if (analyser == nullptr || !analyser->parser) return stored;
    pugi::xml_document document;
    auto loaded = load_xml(document, item.xml);
    if (!loaded) {
        stored.parse_error = std::string("item is not well-formed XML: ") + loaded.description();
        return stored;
    }
    try {
        pubsub::ParsedItem parsed = analyser->parser(document.document_element());
        stored.parsed = std::move(parsed.data);
        stored.search_text = std::move(parsed.search_text);
        stored.time = parsed.time;
    } catch (const std::exception& e) {
        stored.parse_error = e.what();
    }
    return stored;
}

}  // namespace roost::cache

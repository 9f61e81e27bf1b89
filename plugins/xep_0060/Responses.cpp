// SPDX-License-Identifier: MIT
// Responses: parsing XEP-0060 answers.
#include "Responses.hpp"

#include "roost/Xml.hpp"

#include <cstdlib>
#include <cstring>

namespace roost::xep0060 {
namespace {

bool named(pugi::xml_node node, const char* name) { return std::strcmp(node.name(), name) == 0; }

std::optional<int> to_int(const char* text) {
    char* end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (end == text || *end != '\0') return std::nullopt;
    return static_cast<int>(value);
}

pugi::xml_node pubsub_of(pugi::xml_node iq) {
    pugi::xml_node pubsub = child_named(iq, "pubsub");
    if (!pubsub) throw MalformedAnswer("no <pubsub/> in the answer");
    return pubsub;
}

}  // namespace

pugi::xml_node child_named(pugi::xml_node parent, const char* name) {
    for (pugi::xml_node child : parent.children())
        if (child.type() == pugi::node_element && named(child, name)) return child;
    return {};
}

std::vector<pubsub::Item> read_items(pugi::xml_node items) {
    std::vector<pubsub::Item> result;
    for (pugi::xml_node item : items.children("item"))
        result.push_back(
            {item.attribute("id").value(), to_xml(item), item.attribute("publisher").value()});
    return result;
}

pubsub::ItemsPage parse_items(pugi::xml_node iq) {
    pugi::xml_node pubsub = pubsub_of(iq);
    pugi::xml_node items = child_named(pubsub, "items");
    if (!items) throw MalformedAnswer("no <items/> in the answer");
    pubsub::ItemsPage page;
    page.items = read_items(items);
    page.rsm = parse_rsm(pubsub);
    return page;
}

std::optional<pubsub::RsmResult> parse_rsm(pugi::xml_node parent) {
    pugi::xml_node set = child_named(parent, "set");
    if (!set) return std::nullopt;
    pubsub::RsmResult rsm;
    if (pugi::xml_node first = set.child("first")) {
        rsm.first = first.text().get();
        if (pugi::xml_attribute index = first.attribute("index"))
            rsm.first_index = to_int(index.value());
    }
    if (pugi::xml_node last = set.child("last")) rsm.last = last.text().get();
    if (pugi::xml_node count = set.child("count")) rsm.count = to_int(count.text().get());
    return rsm;
}

std::string published_item_id(pugi::xml_node iq) {
    pugi::xml_node publish = child_named(child_named(iq, "pubsub"), "publish");
    return publish.child("item").attribute("id").value();
}

std::vector<Subscription> parse_subscriptions(pugi::xml_node iq) {
    pugi::xml_node subscriptions = child_named(pubsub_of(iq), "subscriptions");
    if (!subscriptions) throw MalformedAnswer("no <subscriptions/> in the answer");
    std::vector<Subscription> result;
    for (pugi::xml_node s : subscriptions.children("subscription"))
        result.push_back({s.attribute("node").value(), s.attribute("jid").value(),
                          s.attribute("subid").value(), s.attribute("subscription").value()});
    return result;
}

Subscription parse_subscription(pugi::xml_node iq) {
    // A server may answer a subscribe with an empty result (XEP-0060 §6.1.2 allows it).
    pugi::xml_node s = child_named(child_named(iq, "pubsub"), "subscription");
    return {s.attribute("node").value(), s.attribute("jid").value(), s.attribute("subid").value(),
            s ? s.attribute("subscription").value() : "subscribed"};
}

Fields parse_configuration(pugi::xml_node iq) {
    pugi::xml_node configure = child_named(pubsub_of(iq), "configure");
    pugi::xml_node x = child_named(configure, "x");
    if (!x) throw MalformedAnswer("no configuration form in the answer");
    return parse_form(x);
}

Fields parse_form(pugi::xml_node x) {
    Fields fields;
    for (pugi::xml_node field : x.children("field")) {
        std::string var = field.attribute("var").value();
        if (var.empty() || var == "FORM_TYPE") continue;
        auto& values = fields[var];
        for (pugi::xml_node value : field.children("value")) values.push_back(value.text().get());
    }
    return fields;
}

bool has_feature(pugi::xml_node iq, const char* feature) {
    for (pugi::xml_node f : child_named(iq, "query").children("feature"))
        if (std::strcmp(f.attribute("var").value(), feature) == 0) return true;
    return false;
}

XmppError local_error(XmppError::Kind kind, std::string request, std::string text) {
    XmppError error;
    error.kind = kind;
    error.request = std::move(request);
    error.text = std::move(text);
    return error;
}

pubsub::RsmRequest last_page(int max) {
    pubsub::RsmRequest rsm;
    rsm.max = max;
    rsm.before = "";
    return rsm;
}

pubsub::RsmRequest page_after(int max, std::optional<std::string> after) {
    pubsub::RsmRequest rsm;
    rsm.max = max;
    rsm.after = std::move(after);
    return rsm;
}

}  // namespace roost::xep0060

// SPDX-License-Identifier: MIT
#include "RosterXml.hpp"

#include "roost/Jid.hpp"
#include "roost/Xml.hpp"

#include <algorithm>
#include <cstring>

namespace roost::roster {
namespace {

bool named(pugi::xml_node node, const char* name) {
    return node.type() == pugi::node_element && std::strcmp(node.name(), name) == 0;
}

// An empty <query xmlns='jabber:iq:roster'/> of `document`; pugixml escapes what goes in.
pugi::xml_node new_query(pugi::xml_document& document) {
    pugi::xml_node query = document.append_child("query");
    query.append_attribute("xmlns") = kRosterNamespace;
    return query;
}

}  // namespace

pugi::xml_node roster_query_of(pugi::xml_node iq) {
    return iq.find_child([](pugi::xml_node n) {
        return named(n, "query") &&
               std::strcmp(n.attribute("xmlns").value(), kRosterNamespace) == 0;
    });
}

RosterQuery read_roster_query(pugi::xml_node query) {
    RosterQuery out;
    if (pugi::xml_attribute ver = query.attribute("ver")) out.version = ver.value();
    for (pugi::xml_node node : query.children()) {
        if (!named(node, "item")) continue;
        std::string jid = node.attribute("jid").value();
        if (auto problem = jid_problem(jid); problem || jid.find('/') != std::string::npos) {
            out.skipped.push_back("item with JID '" + jid +
                                  "': " + (problem ? *problem : std::string("not a bare JID")));
            continue;
        }
        std::string subscription = node.attribute("subscription").value();
        if (subscription == "remove") {
            out.removed.push_back(jid);
            continue;
        }
        RosterItem item;
        item.jid = jid;
        item.name = node.attribute("name").value();
        // RFC 6121 §2.1.2.5: absent means none; an unknown value is read as none too.
        item.subscription = subscription_from(subscription).value_or(Subscription::None);
        item.ask = std::strcmp(node.attribute("ask").value(), "subscribe") == 0;
        for (pugi::xml_node group : node.children())
            if (named(group, "group")) item.groups.emplace_back(group.text().get());
        std::sort(item.groups.begin(), item.groups.end());
        item.groups.erase(std::unique(item.groups.begin(), item.groups.end()), item.groups.end());
        out.items.push_back(std::move(item));
    }
    return out;
}

std::string roster_set_payload(const RosterItem& item) {
    pugi::xml_document document;
    pugi::xml_node node = new_query(document).append_child("item");
    node.append_attribute("jid") = item.jid.c_str();
    if (!item.name.empty()) node.append_attribute("name") = item.name.c_str();
    for (const auto& group : item.groups) node.append_child("group").text() = group.c_str();
    return to_xml(document.document_element());
}

std::string roster_remove_payload(const std::string& jid) {
    pugi::xml_document document;
    pugi::xml_node node = new_query(document).append_child("item");
    node.append_attribute("jid") = jid.c_str();
    node.append_attribute("subscription") = "remove";
    return to_xml(document.document_element());
}

std::string roster_get_payload(const std::optional<std::string>& version) {
    pugi::xml_document document;
    pugi::xml_node query = new_query(document);
    if (version) query.append_attribute("ver") = version->c_str();
    return to_xml(query);
}

}  // namespace roost::roster

// SPDX-License-Identifier: MIT
// Responses: reading the answers to XEP-0060 IQs (items with their raw XML, the
// RSM <set/>, subscriptions, data forms, disco#info features) with pugixml.
#pragma once

#include "Requests.hpp"
#include "roost/Pubsub.hpp"

#include <pugixml.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace roost::xep0060 {

// An answer that lacks what the request implies; becomes XmppError::Kind::Malformed.
class MalformedAnswer : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Subscription {
    std::string node;
    std::string jid;
    std::string subid;
    std::string state;  // "subscribed", "pending", "unconfigured", "none"
};

// The first child element named `name` (namespace not checked); null when none.
pugi::xml_node child_named(pugi::xml_node parent, const char* name);

// <item/> elements of an <items/> (answer or event) with their id and publisher.
std::vector<pubsub::Item> read_items(pugi::xml_node items);

// The items of an <iq type='result'><pubsub><items/>...; throws MalformedAnswer
// when <pubsub/> or <items/> is missing.
pubsub::ItemsPage parse_items(pugi::xml_node iq);

// The RSM <set/> directly under `parent`, if any.
std::optional<pubsub::RsmResult> parse_rsm(pugi::xml_node parent);

// The item id a publish answer names ("" when the server named none).
std::string published_item_id(pugi::xml_node iq);

std::vector<Subscription> parse_subscriptions(pugi::xml_node iq);
Subscription parse_subscription(pugi::xml_node iq);

// The fields of the node configuration form of a <configure/> answer, without FORM_TYPE.
Fields parse_configuration(pugi::xml_node iq);
Fields parse_form(pugi::xml_node x);

bool has_feature(pugi::xml_node iq, const char* feature);

// An error of ours (not the server's): no connection, an unreadable answer.
XmppError local_error(XmppError::Kind kind, std::string request, std::string text);

// An RSM request for `max` items after `after` (none: from the start).
pubsub::RsmRequest page_after(int max, std::optional<std::string> after);
// An RSM request for the last `max` items (an empty <before/>).
pubsub::RsmRequest last_page(int max);

}  // namespace roost::xep0060

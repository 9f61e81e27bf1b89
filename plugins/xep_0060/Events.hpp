// SPDX-License-Identifier: MIT
// Events: reading an incoming <message/> that carries a pubsub#event (published
// and retracted items, purge, node deletion, configuration change).
#pragma once

#include "roost/Pubsub.hpp"

#include <pugixml.hpp>

#include <optional>
#include <string>
#include <vector>

namespace roost::xep0060 {

struct Event {
    enum class Kind { Items, Purge, Delete, Configuration };
    Kind kind = Kind::Items;
    std::string service;  // the message's 'from'
    std::string node;
    std::vector<pubsub::Item> items;     // Kind::Items: published
    std::vector<std::string> retracted;  // Kind::Items: retracted ids
    std::string configuration_xml;       // Kind::Configuration: <configuration/>, if given
};

// The event the message carries; nullopt when it carries none (or one without a node).
std::optional<Event> parse_event(pugi::xml_node message);

}  // namespace roost::xep0060

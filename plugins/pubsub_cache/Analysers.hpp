// SPDX-License-Identifier: MIT
// Analysers: the analysers other plugins registered, which one fits a node, and
// what an analyser's parser makes of an item as the store keeps it.
#pragma once

#include "roost/Analyser.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubStore.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roost::cache {

// Reactor thread only. Matches hand out copies: a plugin may remove its analyser
// while a sync still parses with it.
class Analysers {
public:
    void add(pubsub::Analyser analyser);
    void remove(const std::string& name);
    void clear() { analysers_.clear(); }

    // The analyser picked by the node's name alone; nothing when only the payload
    // of its first item can tell.
    std::optional<pubsub::Analyser> by_node(std::string_view service, std::string_view node) const;
    // The analyser of the node given the namespace of its first item's payload.
    std::optional<pubsub::Analyser> match(std::string_view service, std::string_view node,
                                          std::string_view first_payload_ns) const;
    std::optional<pubsub::Analyser> by_name(const std::string& name) const;

private:
    std::vector<pubsub::Analyser> analysers_;
};

// The namespace of the payload of the item serialised in `item_xml`, "" when none.
std::string payload_namespace(const std::string& item_xml);

// `item` as the store keeps it, parsed by `analyser` when it has a parser; a parser
// that throws leaves parsed null and its message in parse_error. `created` 0 = now.
pubsub::StoredItem stored_item(const pubsub::Item& item, const pubsub::Analyser* analyser,
                               std::int64_t created = 0);

}  // namespace roost::cache

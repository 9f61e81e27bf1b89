// SPDX-License-Identifier: MIT
// NodeExtra: what the cache learns about a node's server and keeps in the node's
// `extra` JSON (its max_items, whether it pages, where it puts republished items).
#pragma once

#include "roost/PubsubStore.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace roost::cache {

// Sets (null: removes) one field of the node's extra JSON, if the node is cached.
void remember(pubsub::PubsubStore& store, const pubsub::NodeKey& key, const char* name,
              nlohmann::json value);

// A field of the node's extra JSON that holds a boolean; nothing when it does not.
std::optional<bool> recalled_flag(const pubsub::NodeInfo& node, const char* name);

}  // namespace roost::cache

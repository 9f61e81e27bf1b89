// SPDX-License-Identifier: MIT
// NodeExtra: one field of a node's extra JSON read or written at a time.
#include "NodeExtra.hpp"

namespace roost::cache {

void remember(pubsub::PubsubStore& store, const pubsub::NodeKey& key, const char* name,
              nlohmann::json value) {
    auto node = store.node_state(key);
    if (!node) return;
    nlohmann::json extra = node->extra.is_object() ? node->extra : nlohmann::json::object();
    if (value.is_null())
        extra.erase(name);
    else
        extra[name] = std::move(value);
    store.set_extra(key, extra);
}

std::optional<bool> recalled_flag(const pubsub::NodeInfo& node, const char* name) {
    if (!node.extra.is_object()) return std::nullopt;
    auto found = node.extra.find(name);
    if (found == node.extra.end() || !found->is_boolean()) return std::nullopt;
    return found->get<bool>();
}

}  // namespace roost::cache

// SPDX-License-Identifier: MIT
// CacheSyncApi: what the pubsub_cache plugin offers other plugins besides its analyser
// registry: syncing a node on demand, as `pubsub.cache.sync` does for a client.
// host.plugin_as<CacheSyncApi>(kCachePluginName).
#pragma once

#include "roost/Analyser.hpp"
#include "roost/PubsubStore.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace roost::pubsub {

// How a sync ended: `state` unset when the node is gone or no analyser wants it (the
// cache then holds nothing of it); Error with the reason when the server refused.
struct CacheSyncResult {
    std::optional<SyncState> state;
    std::string reason;
    int items = 0;  // stored by this sync
};

// What changed in a node the cache holds: an event's items, or what a sync found new,
// edited or gone since the cache last held the node whole (a resync after time offline).
struct CachedItemsChange {
    NodeKey node;
    std::vector<std::string> stored;     // ids, new or edited
    std::vector<std::string> retracted;  // ids
    // A sync made the cache hold the node whole for the first time (it held none of it,
    // or only what a failed or stopped sync left); `stored` and `retracted` are empty
    // then: every item is new, the store has them.
    bool new_node = false;
};

// A separate interface, so that plugins built before it still load: a caller that finds
// no such plugin does without. Reactor thread only; `done` is called once (never after
// the cache stopped).
class CacheSyncApi {
public:
    virtual ~CacheSyncApi() = default;
    // Subscribes to the node, fetches every item and stores them, as a read of a node an
    // analyser keeps in sync does; joins the node's running sync when there is one. Only
    // nodes an analyser keeps in sync are cached.
    virtual void sync_node(const NodeKey& key,
                           std::function<void(const CacheSyncResult&)> done) = 0;

    // Called after the cache stored or retracted items of a node it holds: those of an
    // event once committed (at the end of the reactor turn that read it), or those a
    // sync found changed (before the sync's `done` is called).
    using ItemsChangeHandler = std::function<void(const CachedItemsChange&)>;
    virtual std::uint64_t on_items_changed(ItemsChangeHandler handler) = 0;
    virtual void remove_items_handler(std::uint64_t id) = 0;
};

}  // namespace roost::pubsub

// SPDX-License-Identifier: MIT
// TurnBatch: the events of one reactor turn stored with one commit. The first event
// opens a store batch and a timer due at once; the reactor runs that timer once the
// turn's XMPP input is read, before it reads a command, so the batch holds the events'
// writes (and those of the same XMPP input) but never a command's. What the events
// changed is told once committed; a batch that is not committed whole names its nodes
// to `lost` instead: they are behind their servers until they sync again.
#pragma once

#include "roost/Host.hpp"
#include "roost/PubsubCache.hpp"
#include "roost/PubsubStore.hpp"

#include <functional>
#include <set>
#include <vector>

namespace roost::cache {

using Changes = std::vector<pubsub::CachedItemsChange>;
// An event's writes to the cache; what they changed goes to `told`.
using CacheEvent = std::function<void(Changes& told)>;

class TurnBatch {
public:
    struct Handlers {
        std::function<void(const pubsub::CachedItemsChange&)> committed;
        std::function<void(const std::set<pubsub::NodeKey>&)> lost;
    };

    TurnBatch(Host& host, Handlers handlers) : host_(host), handlers_(std::move(handlers)) {}
    TurnBatch(const TurnBatch&) = delete;
    TurnBatch& operator=(const TurnBatch&) = delete;
    ~TurnBatch() { close(); }

    // Before an event's writes to `key`: they join this turn's batch.
    void join(const pubsub::NodeKey& key);
    // What a joined event changed, told once the batch is committed.
    void tell(Changes changes);
    // Commits now (at the end of the turn, and when the plugin stops).
    void close();

private:
    Host& host_;
    Handlers handlers_;
    bool open_ = false;
    TimerId timer_ = 0;
    std::set<pubsub::NodeKey> nodes_;
    Changes changes_;
};

}  // namespace roost::cache

// SPDX-License-Identifier: MIT
// TurnBatch: the events of one reactor turn stored with one commit. The first event
// opens a store batch and a timer due at once; the reactor runs due timers after it has
// read every socket of the turn, so the timer ends the batch when the turn's input is in.
// A batch that is not committed whole names its nodes to `lost`: they are behind their
// servers until they sync again.
#pragma once

#include "roost/Host.hpp"
#include "roost/PubsubStore.hpp"

#include <functional>
#include <set>

namespace roost::cache {

class TurnBatch {
public:
    using Lost = std::function<void(const std::set<pubsub::NodeKey>&)>;

    TurnBatch(Host& host, Lost lost) : host_(host), lost_(std::move(lost)) {}
    TurnBatch(const TurnBatch&) = delete;
    TurnBatch& operator=(const TurnBatch&) = delete;
    ~TurnBatch() { close(); }

    // Before an event's writes to `key`: they join this turn's batch.
    void join(const pubsub::NodeKey& key);
    // Commits now (at the end of the turn, and when the plugin stops).
    void close();

private:
    Host& host_;
    Lost lost_;
    bool open_ = false;
    TimerId timer_ = 0;
    std::set<pubsub::NodeKey> nodes_;
};

}  // namespace roost::cache

// SPDX-License-Identifier: MIT
// TurnBatch: the events of one reactor turn stored with one commit. The first event
// opens a store batch and a timer due at once; the reactor runs due timers after it has
// read every socket of the turn, so the timer ends the batch when the turn's input is in.
#pragma once

#include "roost/Host.hpp"

namespace roost::cache {

class TurnBatch {
public:
    explicit TurnBatch(Host& host) : host_(host) {}
    TurnBatch(const TurnBatch&) = delete;
    TurnBatch& operator=(const TurnBatch&) = delete;
    ~TurnBatch() { close(); }

    // Before an event's writes: they join this turn's batch.
    void join();
    // Commits now (at the end of the turn, and when the plugin stops).
    void close();

private:
    Host& host_;
    bool open_ = false;
    TimerId timer_ = 0;
};

}  // namespace roost::cache

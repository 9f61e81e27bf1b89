// SPDX-License-Identifier: MIT
// Backoff: how long to wait before the next reconnection attempt: doubling from
// a base to a cap, with jitter so that many clients don't retry in step.
#pragma once

#include <chrono>
#include <random>

namespace roost::xmpp {

class Backoff {
public:
    Backoff(std::chrono::milliseconds base = std::chrono::seconds(1),
            std::chrono::milliseconds cap = std::chrono::seconds(60));

    // The next delay: base * 2^attempts capped, then scaled by a random 0.5..1.0
    // ("equal jitter"), so it never drops below half the nominal delay.
    std::chrono::milliseconds next();
    void reset() { attempts_ = 0; }
    int attempts() const { return attempts_; }

private:
    std::chrono::milliseconds base_, cap_;
    int attempts_ = 0;
    std::minstd_rand random_;
};

}  // namespace roost::xmpp

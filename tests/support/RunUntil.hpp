// SPDX-License-Identifier: MIT
// run_until: drives a Reactor (and so libstrophe, through its iteration hook) in the
// test's thread until a condition holds or a deadline passes.
#pragma once

#include "src/reactor/Reactor.hpp"
#include "tests/support/TimeScale.hpp"

#include <chrono>

namespace roost::test {

// Runs the reactor for `duration`, whatever happens.
inline void run_for(reactor::Reactor& reactor, std::chrono::milliseconds duration) {
    auto deadline = reactor::Reactor::Clock::now() + duration;
    while (reactor::Reactor::Clock::now() < deadline)
        reactor.run_once(std::chrono::milliseconds(20));
}

// Runs iterations of at most 20 ms until `done()` or `limit` (scaled) passes; returns
// done() (false on timeout).
template <typename Predicate>
bool run_until(reactor::Reactor& reactor, Predicate done, std::chrono::milliseconds limit) {
    auto deadline = reactor::Reactor::Clock::now() + scaled(limit);
    while (!done() && reactor::Reactor::Clock::now() < deadline)
        reactor.run_once(std::chrono::milliseconds(20));
    return done();
}

}  // namespace roost::test

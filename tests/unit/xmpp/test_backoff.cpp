// SPDX-License-Identifier: MIT
// Backoff: delays double from the base up to the cap, with jitter that never goes
// below half the nominal delay, and reset() starts over.
#include "src/xmpp/Backoff.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace std::chrono_literals;
using roost::xmpp::Backoff;

TEST_CASE("backoff doubles from the base and stays within half to all of the nominal delay") {
    Backoff backoff(100ms, 10s);
    auto nominal = 100ms;
    for (int i = 0; i < 6; ++i) {
        auto delay = backoff.next();
        CHECK(delay >= nominal / 2);
        CHECK(delay <= nominal);
        nominal *= 2;
    }
    CHECK(backoff.attempts() == 6);
}

TEST_CASE("backoff never exceeds its cap, however many attempts") {
    Backoff backoff(1s, 5s);
    for (int i = 0; i < 100; ++i) {
        auto delay = backoff.next();
        CHECK(delay <= 5s);
        CHECK(delay >= 500ms);
    }
    for (int i = 0; i < 10; ++i) CHECK(backoff.next() >= 2500ms);  // at the cap by now
}

TEST_CASE("backoff starts over from the base after reset") {
    Backoff backoff(200ms, 60s);
    for (int i = 0; i < 8; ++i) backoff.next();
    backoff.reset();
    CHECK(backoff.attempts() == 0);
    auto delay = backoff.next();
    CHECK(delay >= 100ms);
    CHECK(delay <= 200ms);
}

TEST_CASE("backoff jitters: successive backoffs do not all retry in step") {
    std::set<long> first_delays;
    for (int i = 0; i < 20; ++i) first_delays.insert(Backoff(10s, 60s).next().count());
    CHECK(first_delays.size() > 1);
}

// SPDX-License-Identifier: MIT
#include "src/reactor/Reactor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using roost::reactor::Fd;
using roost::reactor::Reactor;

namespace {

struct Pipe {
    Fd read;
    Fd write;
    Pipe() {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
        read.reset(fds[0]);
        write.reset(fds[1]);
    }
    void make_readable() { REQUIRE(::write(write.get(), "x", 1) == 1); }
};

// Runs the reactor until stop() with a guard against hanging the test run.
void run_guarded(Reactor& reactor, std::chrono::milliseconds limit = 5s) {
    auto guard = reactor.add_timer(limit, [&] {
        FAIL("the reactor did not stop in time");
        reactor.stop();
    });
    reactor.run();
    reactor.cancel_timer(guard);
}

}  // namespace

TEST_CASE("timers run in the order of their deadlines, not of their creation") {
    Reactor reactor;
    std::vector<int> order;
    reactor.add_timer(30ms, [&] {
        order.push_back(30);
        reactor.stop();
    });
    reactor.add_timer(10ms, [&] { order.push_back(10); });
    reactor.add_timer(20ms, [&] { order.push_back(20); });
    reactor.add_timer(10ms, [&] { order.push_back(11); });  // same deadline: after the first
    run_guarded(reactor);
    CHECK(order == std::vector<int>{10, 11, 20, 30});
    CHECK(reactor.timer_count() == 0);
}

TEST_CASE("a timer does not run before its delay has passed") {
    Reactor reactor;
    auto start = Reactor::Clock::now();
    Reactor::Clock::time_point fired;
    reactor.add_timer(50ms, [&] {
        fired = Reactor::Clock::now();
        reactor.stop();
    });
    run_guarded(reactor);
    CHECK(fired - start >= 50ms);
}

TEST_CASE("a cancelled timer never runs, even when cancelled by a timer due at the same time") {
    Reactor reactor;
    bool cancelled_ran = false;
    bool second_ran = false;
    auto never = reactor.add_timer(10ms, [&] { cancelled_ran = true; });
    reactor.cancel_timer(never);
    roost::reactor::TimerId second = 0;
    reactor.add_timer(20ms, [&] { reactor.cancel_timer(second); });
    second = reactor.add_timer(20ms, [&] { second_ran = true; });
    reactor.add_timer(40ms, [&] { reactor.stop(); });
    run_guarded(reactor);
    CHECK_FALSE(cancelled_ran);
    CHECK_FALSE(second_ran);
    reactor.cancel_timer(never);  // twice is harmless
}

TEST_CASE("a timer that re-arms itself without delay lets other work run in between") {
    Reactor reactor;
    int rearmed = 0;
    std::function<void()> again = [&] {
        if (++rearmed < 1000) reactor.add_timer(0ms, again);
    };
    reactor.add_timer(0ms, again);
    reactor.run_once(0ms);
    CHECK(rearmed == 1);
}

TEST_CASE("a readable fd calls its watch with POLLIN") {
    Reactor reactor;
    Pipe pipe;
    short seen = 0;
    reactor.watch(pipe.read.get(), POLLIN, [&](short revents) {
        seen = revents;
        reactor.stop();
    });
    pipe.make_readable();
    run_guarded(reactor);
    CHECK((seen & POLLIN) != 0);
}

TEST_CASE("modify changes the events a watch waits for") {
    Reactor reactor;
    Pipe pipe;
    int writable = 0;
    auto id = reactor.watch(pipe.write.get(), 0, [&](short revents) {
        if (revents & POLLOUT) ++writable;
    });
    reactor.run_once(10ms);
    CHECK(writable == 0);
    reactor.modify(id, POLLOUT);
    reactor.run_once(10ms);
    CHECK(writable == 1);
}

TEST_CASE("a watch removed by an earlier callback is not called for the same poll") {
    Reactor reactor;
    Pipe first, second;
    int first_calls = 0, second_calls = 0;
    roost::reactor::WatchId second_id = 0;
    roost::reactor::WatchId first_id = 0;
    first_id = reactor.watch(first.read.get(), POLLIN, [&](short) {
        ++first_calls;
        reactor.unwatch(second_id);
        reactor.unwatch(first_id);  // its own watch, while it runs
    });
    second_id = reactor.watch(second.read.get(), POLLIN, [&](short) { ++second_calls; });
    first.make_readable();
    second.make_readable();
    reactor.run_once(100ms);
    reactor.run_once(10ms);  // both pipes are still readable
    CHECK(first_calls == 1);
    CHECK(second_calls == 0);
    CHECK(reactor.watch_count() == 0);
}

TEST_CASE("posted tasks run in order on the next iteration, after a poll") {
    Reactor reactor;
    std::vector<int> order;
    reactor.post([&] {
        order.push_back(1);
        reactor.post([&] { order.push_back(3); });
    });
    reactor.post([&] { order.push_back(2); });
    reactor.run_once(0ms);
    CHECK(order == std::vector<int>{1, 2});
    reactor.run_once(0ms);
    CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("request_stop from another thread ends run() while it waits in poll") {
    Reactor reactor;
    std::thread stopper([&] {
        std::this_thread::sleep_for(50ms);
        reactor.request_stop();
    });
    auto start = Reactor::Clock::now();
    run_guarded(reactor);
    stopper.join();
    CHECK(Reactor::Clock::now() - start < 2s);
}

TEST_CASE("wake from another thread ends a poll that would wait forever") {
    Reactor reactor;
    std::thread waker([&] {
        std::this_thread::sleep_for(50ms);
        reactor.wake();
    });
    auto start = Reactor::Clock::now();
    reactor.run_once(Reactor::kForever);  // returning at all is the point
    waker.join();
    CHECK(Reactor::Clock::now() - start >= 40ms);
}

TEST_CASE("tasks posted from other threads all run on the reactor thread") {
    Reactor reactor;
    std::atomic<int> posted{0};
    int ran = 0;
    auto reactor_thread = std::this_thread::get_id();
    bool wrong_thread = false;
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t)
        posters.emplace_back([&] {
            for (int i = 0; i < 100; ++i) {
                reactor.post([&] {
                    wrong_thread |= std::this_thread::get_id() != reactor_thread;
                    if (++ran == 400) reactor.stop();
                });
                ++posted;
            }
        });
    run_guarded(reactor);
    for (auto& poster : posters) poster.join();
    CHECK(ran == 400);
    CHECK_FALSE(wrong_thread);
}

TEST_CASE("a stop requested before run() makes it return at once, and only once") {
    Reactor reactor;
    reactor.request_stop();
    reactor.run();
    bool ran = false;
    reactor.add_timer(10ms, [&] {
        ran = true;
        reactor.stop();
    });
    run_guarded(reactor);
    CHECK(ran);
}

TEST_CASE("the iteration hook runs every iteration and bounds the poll's wait") {
    Reactor reactor;
    int hook_calls = 0;
    reactor.set_iteration_hook([&] {
        ++hook_calls;
        return 20ms;
    });
    auto start = Reactor::Clock::now();
    reactor.run_once(Reactor::kForever);
    reactor.run_once(Reactor::kForever);
    CHECK(hook_calls == 2);
    CHECK(Reactor::Clock::now() - start >= 40ms);
}

TEST_CASE("timers the iteration hook makes due run before the fds of its iteration") {
    Reactor reactor;
    Pipe pipe;
    std::vector<std::string> order;
    reactor.watch(pipe.read.get(), POLLIN, [&](short) { order.push_back("fd"); });
    reactor.set_iteration_hook([&] {
        if (order.empty()) reactor.add_timer(0ms, [&] { order.push_back("hook's timer"); });
        order.push_back("hook");
        return Reactor::kForever;
    });
    pipe.make_readable();
    reactor.run_once(0ms);
    CHECK(order == std::vector<std::string>{"hook", "hook's timer", "fd"});
}

TEST_CASE("an exception from a callback leaves run() and the reactor keeps working") {
    Reactor reactor;
    reactor.add_timer(0ms, [] { throw std::runtime_error("boom"); });
    bool later = false;
    reactor.add_timer(0ms, [&] {
        later = true;
        reactor.stop();
    });
    CHECK_THROWS_WITH(reactor.run(), "boom");
    run_guarded(reactor);
    CHECK(later);
}

// SPDX-License-Identifier: MIT
// Reactor: the daemon's single-threaded event loop (poll(2)). File descriptors,
// timers, posted tasks and an iteration hook for libstrophe all run on it.
#pragma once

#include "src/reactor/Fd.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace roost::reactor {

using WatchId = std::uint64_t;
using TimerId = std::uint64_t;

// Threads: everything here must be called from the thread that runs the loop,
// except wake() and request_stop() (any thread, and async-signal-safe, so a signal
// handler may call them) and post() (any thread, but not from a signal handler).
// Callbacks run on the loop's thread, one at a time; an exception thrown by one
// leaves run() and the reactor stays usable.
class Reactor {
public:
    using Clock = std::chrono::steady_clock;
    using FdCallback = std::function<void(short revents)>;
    // Returns the longest the next poll may wait; kForever for no limit.
    using IterationHook = std::function<std::chrono::milliseconds()>;

    static constexpr std::chrono::milliseconds kForever{-1};

    Reactor();
    ~Reactor();
    Reactor(const Reactor&) = delete;
    Reactor& operator=(const Reactor&) = delete;

    // Calls `callback` with poll's revents whenever `fd` is ready for `events`
    // (POLLIN, POLLOUT...; 0 still reports POLLHUP/POLLERR). The fd stays owned by
    // the caller, who unwatches it before closing it.
    WatchId watch(int fd, short events, FdCallback callback);
    void modify(WatchId id, short events);
    // Safe from any callback, including the watch's own: a removed watch is not
    // called again, even for readiness the current poll already reported.
    void unwatch(WatchId id);

    // Runs `callback` once, `delay` from now on the monotonic clock. Timers due at
    // the same time run in the order they were added.
    TimerId add_timer(std::chrono::milliseconds delay, std::function<void()> callback);
    // No-op for a timer that already ran or was cancelled.
    void cancel_timer(TimerId id);

    // Runs `task` on the loop's next iteration, after fd callbacks and timers.
    void post(std::function<void()> task);

    // Called at the start of every iteration, before poll. The timers its work makes
    // due run right after it, before the fds are dispatched: the hook reads input of
    // its own (libstrophe's), whose end-of-turn work then comes before other input.
    void set_iteration_hook(IterationHook hook);

    // Runs iterations until stop() or request_stop().
    void run();
    // One iteration: waits at most `max_wait` (kForever: until something happens).
    void run_once(std::chrono::milliseconds max_wait = kForever);
    // Makes run() return after the current iteration.
    void stop();

    // Interrupts a poll in progress.
    void wake() noexcept;
    // stop() for other threads and signal handlers.
    void request_stop() noexcept;

    std::size_t watch_count() const { return watches_.size(); }
    std::size_t timer_count() const { return timers_.size(); }

private:
    struct Watch {
        int fd;
        short events;
        std::shared_ptr<FdCallback> callback;  // shared: survives unwatch mid-call
    };
    using TimerKey = std::pair<Clock::time_point, TimerId>;

    int poll_timeout(std::chrono::milliseconds max_wait);
    void dispatch_fds(std::chrono::milliseconds max_wait);
    void drain_wakeups();
    void run_due_timers();
    void run_posted_tasks();

    Fd wakeup_;  // eventfd: wake() writes, the loop drains
    std::atomic<bool> stop_requested_{false};
    std::map<WatchId, Watch> watches_;
    WatchId next_watch_id_ = 1;
    std::map<TimerKey, std::function<void()>> timers_;
    std::unordered_map<TimerId, Clock::time_point> timer_due_;
    TimerId next_timer_id_ = 1;
    IterationHook iteration_hook_;
    std::mutex posted_mutex_;
    std::deque<std::function<void()>> posted_;
};

}  // namespace roost::reactor

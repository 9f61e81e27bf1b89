// SPDX-License-Identifier: MIT
// Reactor: one iteration is hook, poll, fd callbacks, due timers, posted tasks.
// An eventfd in every poll lets other threads and signal handlers interrupt it.
#include "src/reactor/Reactor.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <vector>

namespace roost::reactor {
namespace {

// request_stop() runs in signal handlers, where only lock-free atomics are safe.
static_assert(std::atomic<bool>::is_always_lock_free);

std::chrono::milliseconds shorter(std::chrono::milliseconds a, std::chrono::milliseconds b) {
    if (a < std::chrono::milliseconds::zero()) return b;
    if (b < std::chrono::milliseconds::zero()) return a;
    return std::min(a, b);
}

}  // namespace

Reactor::Reactor() : wakeup_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (!wakeup_) throw std::system_error(errno, std::generic_category(), "eventfd");
}

Reactor::~Reactor() = default;

WatchId Reactor::watch(int fd, short events, FdCallback callback) {
    WatchId id = next_watch_id_++;
    watches_.emplace(id, Watch{fd, events, std::make_shared<FdCallback>(std::move(callback))});
    return id;
}

void Reactor::modify(WatchId id, short events) {
    auto found = watches_.find(id);
    if (found != watches_.end()) found->second.events = events;
}

void Reactor::unwatch(WatchId id) { watches_.erase(id); }

TimerId Reactor::add_timer(std::chrono::milliseconds delay, std::function<void()> callback) {
    TimerId id = next_timer_id_++;
    auto due = Clock::now() + std::max(delay, std::chrono::milliseconds::zero());
    timers_.emplace(TimerKey{due, id}, std::move(callback));
    timer_due_.emplace(id, due);
    return id;
}

void Reactor::cancel_timer(TimerId id) {
    auto found = timer_due_.find(id);
    if (found == timer_due_.end()) return;
    timers_.erase(TimerKey{found->second, id});
    timer_due_.erase(found);
}

void Reactor::post(std::function<void()> task) {
    {
        std::lock_guard lock(posted_mutex_);
        posted_.push_back(std::move(task));
    }
    wake();
}

void Reactor::set_iteration_hook(IterationHook hook) { iteration_hook_ = std::move(hook); }

void Reactor::run() {
    // exchange() clears the request, so run() can be called again afterwards.
    while (!stop_requested_.exchange(false)) run_once();
}

void Reactor::run_once(std::chrono::milliseconds max_wait) {
    if (iteration_hook_) {
        max_wait = shorter(max_wait, iteration_hook_());
        run_due_timers();
    }
    dispatch_fds(max_wait);
    run_due_timers();
    run_posted_tasks();
}

void Reactor::stop() { stop_requested_ = true; }

void Reactor::wake() noexcept {
    int saved_errno = errno;  // signal handlers must not change errno
    std::uint64_t one = 1;
    // EAGAIN only when the counter is full, and then a wakeup is pending anyway.
    [[maybe_unused]] ssize_t written = ::write(wakeup_.get(), &one, sizeof one);
    errno = saved_errno;
}

void Reactor::request_stop() noexcept {
    stop_requested_ = true;
    wake();
}

int Reactor::poll_timeout(std::chrono::milliseconds max_wait) {
    if (stop_requested_) return 0;
    {
        std::lock_guard lock(posted_mutex_);
        if (!posted_.empty()) return 0;
    }
    if (!timers_.empty()) {
        // Rounded up: waking a little early would only spin until the timer is due.
        auto next_due = timers_.begin()->first.first;
        auto until_due = std::chrono::ceil<std::chrono::milliseconds>(next_due - Clock::now());
        max_wait = shorter(max_wait, std::max(until_due, std::chrono::milliseconds::zero()));
    }
    return static_cast<int>(max_wait.count());
}

void Reactor::dispatch_fds(std::chrono::milliseconds max_wait) {
    std::vector<pollfd> fds{{wakeup_.get(), POLLIN, 0}};
    std::vector<WatchId> ids;
    for (const auto& [id, watch] : watches_) {
        fds.push_back({watch.fd, watch.events, 0});
        ids.push_back(id);
    }
    if (::poll(fds.data(), fds.size(), poll_timeout(max_wait)) < 0) {
        if (errno == EINTR) return;
        throw std::system_error(errno, std::generic_category(), "poll");
    }
    if (fds[0].revents) drain_wakeups();
    for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!fds[i].revents) continue;
        auto found = watches_.find(ids[i - 1]);
        if (found == watches_.end()) continue;  // unwatched by an earlier callback
        auto callback = found->second.callback;
        (*callback)(fds[i].revents);
    }
}

void Reactor::drain_wakeups() {
    std::uint64_t count;
    [[maybe_unused]] ssize_t got = ::read(wakeup_.get(), &count, sizeof count);
}

void Reactor::run_due_timers() {
    // Only timers due now: one that re-arms itself with no delay runs next iteration.
    auto now = Clock::now();
    std::vector<TimerId> due;
    for (const auto& [key, callback] : timers_) {
        if (key.first > now) break;
        due.push_back(key.second);
    }
    for (TimerId id : due) {
        auto found = timer_due_.find(id);
        if (found == timer_due_.end()) continue;  // cancelled by an earlier timer
        auto timer = timers_.extract(TimerKey{found->second, id});
        timer_due_.erase(found);
        timer.mapped()();
    }
}

void Reactor::run_posted_tasks() {
    // Tasks posted by these tasks wait for the next iteration, after a poll.
    std::size_t count;
    {
        std::lock_guard lock(posted_mutex_);
        count = posted_.size();
    }
    for (; count > 0; --count) {
        std::function<void()> task;
        {
            std::lock_guard lock(posted_mutex_);
            task = std::move(posted_.front());
            posted_.pop_front();
        }
        task();
    }
}

}  // namespace roost::reactor

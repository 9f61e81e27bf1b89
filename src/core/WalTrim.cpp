// SPDX-License-Identifier: MIT
#include "src/core/WalTrim.hpp"

namespace roost::core {

WalTrim::WalTrim(reactor::Reactor& reactor, storage::Database& database)
    : reactor_(reactor), database_(database) {
    database_.on_commit([this] { committed(); });
}

WalTrim::~WalTrim() {
    database_.on_commit(nullptr);
    if (timer_) reactor_.cancel_timer(*timer_);
}

// Every commit: the timer is armed once and moves itself on while commits go on.
void WalTrim::committed() {
    last_commit_ = reactor::Reactor::Clock::now();
    if (!timer_) arm(kIdle);
}

void WalTrim::arm(std::chrono::milliseconds delay) {
    timer_ = reactor_.add_timer(delay, [this] {
        timer_.reset();
        trim();
    });
}

void WalTrim::trim() {
    auto idle = reactor::Reactor::Clock::now() - last_commit_;
    if (idle < kIdle) {
        arm(std::chrono::ceil<std::chrono::milliseconds>(kIdle - idle));
        return;
    }
    // Held by a reader (or an open batch): the next commit tries again.
    database_.truncate_wal();
}

}  // namespace roost::core

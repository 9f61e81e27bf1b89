// SPDX-License-Identifier: MIT
#include "TurnBatch.hpp"

#include "roost/PubsubStore.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace roost::cache {

void TurnBatch::join() {
    if (open_) return;
    host_.pubsub_store().begin_batch();
    open_ = true;
    timer_ = host_.add_timer(std::chrono::milliseconds(0), [this] {
        timer_ = 0;
        close();
    });
}

void TurnBatch::close() {
    if (!open_) return;
    open_ = false;
    if (timer_ != 0) host_.cancel_timer(timer_);
    timer_ = 0;
    try {
        host_.pubsub_store().end_batch();
    } catch (const std::exception& e) {
        // SQLite has undone the turn's writes (a full disk, say): the nodes are behind
        // their servers until their next sync.
        host_.log().error("cache: the events of a turn could not be stored: {}", e.what());
    }
}

}  // namespace roost::cache

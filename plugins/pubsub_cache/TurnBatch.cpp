// SPDX-License-Identifier: MIT
#include "TurnBatch.hpp"

#include "roost/PubsubStore.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace roost::cache {

void TurnBatch::join(const pubsub::NodeKey& key) {
    nodes_.insert(key);
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
    auto nodes = std::exchange(nodes_, {});
    try {
        host_.pubsub_store().end_batch();
    } catch (const std::exception& e) {
        host_.log().error("cache: the events of a turn could not be stored: {}", e.what());
        if (lost_) lost_(nodes);
    }
}

}  // namespace roost::cache

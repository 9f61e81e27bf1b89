// SPDX-License-Identifier: MIT
#include "TurnBatch.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <iterator>
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

void TurnBatch::tell(Changes changes) {
    changes_.insert(changes_.end(), std::make_move_iterator(changes.begin()),
                    std::make_move_iterator(changes.end()));
}

void TurnBatch::close() {
    if (!open_) return;
    open_ = false;
    if (timer_ != 0) host_.cancel_timer(std::exchange(timer_, 0));
    auto nodes = std::exchange(nodes_, {});
    auto changes = std::exchange(changes_, {});
    try {
        host_.pubsub_store().end_batch();
    } catch (const std::exception& e) {
        host_.log().error("cache: the events of a turn could not be stored: {}", e.what());
        handlers_.lost(nodes);
        return;
    }
    for (const auto& change : changes) handlers_.committed(change);
}

}  // namespace roost::cache

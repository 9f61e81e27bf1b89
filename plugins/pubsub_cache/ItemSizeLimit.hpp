// SPDX-License-Identifier: MIT
// ItemSizeLimit: the largest item the cache keeps (max_item_bytes). A bigger one is left
// out, and its node answers from the server from then on (partial), with the reason.
#pragma once

#include "roost/Pubsub.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace roost::cache {

inline constexpr std::size_t kDefaultMaxItemBytes = 4 * 1024 * 1024;

class ItemSizeLimit {
public:
    explicit ItemSizeLimit(std::size_t max_bytes) : max_bytes_(max_bytes) {}  // 0: none

    bool fits(const pubsub::Item& item) const {
        return max_bytes_ == 0 || item.xml.size() <= max_bytes_;
    }
    // Keeps the items that fit, in order; remembers the others.
    std::vector<pubsub::Item> keep_fitting(std::vector<pubsub::Item> items);
    void left_out(const pubsub::Item& item);
    const std::vector<std::string>& left_out_ids() const { return left_out_ids_; }
    bool any_left_out() const { return !left_out_ids_.empty(); }
    // "left out 1 item larger than max_item_bytes (4.0 MiB): 'big' (9.0 MiB)".
    std::string reason() const;

private:
    std::size_t max_bytes_;
    std::vector<std::string> left_out_ids_;  // in the order met
    std::size_t first_bytes_ = 0;            // the first one's, the reason's example
};

}  // namespace roost::cache

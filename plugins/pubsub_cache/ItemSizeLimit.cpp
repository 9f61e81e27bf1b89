// SPDX-License-Identifier: MIT
#include "ItemSizeLimit.hpp"

#include <cstdio>

namespace roost::cache {
namespace {

std::string mebibytes(std::size_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return text;
}

}  // namespace

std::vector<pubsub::Item> ItemSizeLimit::keep_fitting(std::vector<pubsub::Item> items) {
    std::vector<pubsub::Item> kept;
    kept.reserve(items.size());
    for (auto& item : items) {
        if (fits(item))
            kept.push_back(std::move(item));
        else
            left_out(item);
    }
    return kept;
}

void ItemSizeLimit::left_out(const pubsub::Item& item) {
    if (left_out_ids_.empty()) first_bytes_ = item.xml.size();
    left_out_ids_.push_back(item.id);
}

std::string ItemSizeLimit::reason() const {
    std::size_t count = left_out_ids_.size();
    if (count == 0) return {};
    return "left out " + std::to_string(count) + (count == 1 ? " item" : " items") +
           " larger than max_item_bytes (" + mebibytes(max_bytes_) + "): '" +
           left_out_ids_.front() + "' (" + mebibytes(first_bytes_) + ")";
}

}  // namespace roost::cache

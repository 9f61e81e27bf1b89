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
    if (left_out_++ > 0) return;
    first_id_ = item.id;
    first_bytes_ = item.xml.size();
}

std::string ItemSizeLimit::reason() const {
    return "left out " + std::to_string(left_out_) + (left_out_ == 1 ? " item" : " items") +
           " larger than max_item_bytes (" + mebibytes(max_bytes_) + "): '" + first_id_ + "' (" +
           mebibytes(first_bytes_) + ")";
}

}  // namespace roost::cache

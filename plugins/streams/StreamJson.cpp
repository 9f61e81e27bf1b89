// SPDX-License-Identifier: MIT
#include "StreamJson.hpp"

#include "roost/IpcParams.hpp"

#include <charconv>

namespace roost::streams {

using nlohmann::json;

json feed_json(const pubsub::NodeKey& key) {
    return {{"service", key.service}, {"node", key.node}};
}

json feeds_json(const std::vector<pubsub::NodeKey>& keys) {
    json feeds = json::array();
    for (const auto& key : keys) feeds.push_back(feed_json(key));
    return feeds;
}

json items_json(const std::vector<pubsub::MergedItem>& items) {
    json out = json::array();
    for (const auto& item : items)
        out.push_back({{"feed", feed_json(item.node)},
                       {"id", item.id},
                       {"time_ms", item.time},
                       {"publisher", item.publisher},
                       {"parsed", item.parsed},
                       {"xml", item.xml}});
    return out;
}

std::string cursor_text(const pubsub::MergedCursor& cursor) {
    return std::to_string(cursor.time) + "." + std::to_string(cursor.row);
}

pubsub::MergedCursor cursor_from(const std::string& text) {
    pubsub::MergedCursor cursor;
    auto dot = text.find('.');
    auto number = [&](std::string_view digits, std::int64_t& out) {
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
        return !digits.empty() && error == std::errc() && end == digits.data() + digits.size();
    };
    std::string_view all(text);
    if (dot == std::string::npos || !number(all.substr(0, dot), cursor.time) ||
        !number(all.substr(dot + 1), cursor.row))
        throw ipc_params::invalid("\"after\" is not a cursor stream.get gave: " + text);
    return cursor;
}

}  // namespace roost::streams

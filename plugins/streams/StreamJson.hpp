// SPDX-License-Identifier: MIT
// StreamJson: a stream's feeds and items as methods and notifications show them, and the
// opaque cursor of stream.get's pages.
#pragma once

#include "roost/PubsubStore.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace roost::streams {

nlohmann::json feed_json(const pubsub::NodeKey& key);  // {"service", "node"}
nlohmann::json feeds_json(const std::vector<pubsub::NodeKey>& keys);
// [{"feed", "id", "time_ms", "publisher", "parsed", "xml"}]
nlohmann::json items_json(const std::vector<pubsub::MergedItem>& items);

// "1733212800000.4711": where the next page starts; clients pass it back unread.
std::string cursor_text(const pubsub::MergedCursor& cursor);
// Throws RpcError (invalid params) for text no cursor_text() made.
pubsub::MergedCursor cursor_from(const std::string& text);

}  // namespace roost::streams

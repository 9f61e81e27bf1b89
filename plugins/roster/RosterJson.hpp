// SPDX-License-Identifier: MIT
// RosterJson: roster items, requests and changes as the roster.* methods answer them
// and the roster.changed notification carries them (doc/roster.md).
#pragma once

#include "roost/Roster.hpp"

#include <nlohmann/json.hpp>

namespace roost::roster {

inline constexpr const char* kChangedTopic = "roster.changed";

// {"jid", "name", "groups", "subscription", "ask"}; ask is "subscribe" or null.
nlohmann::json to_json(const RosterItem& item);
// {"jid", "message", "received_at"} (Unix milliseconds).
nlohmann::json to_json(const SubscriptionRequest& request);
// {"profile", "jid", "kind": "item"|"request", "item"|"request": the new value, or null
// when it is gone}.
nlohmann::json to_json(const RosterChange& change);

}  // namespace roost::roster

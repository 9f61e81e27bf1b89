// SPDX-License-Identifier: MIT
// The roster (RFC 6121) as plugins see it: its items, the presence subscription
// requests waiting for an answer, and the RosterApi of the roster plugin, through which
// other plugins read it and follow its changes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roost::roster {

inline constexpr const char* kPluginName = "roster";

// RFC 6121 §2.1.2.5: who sees whose presence. "remove" is a request, never a state.
enum class Subscription { None, To, From, Both };

inline std::string_view to_string(Subscription subscription) {
    switch (subscription) {
        case Subscription::None: return "none";
        case Subscription::To: return "to";
        case Subscription::From: return "from";
        case Subscription::Both: return "both";
    }
    return "none";
}

inline std::optional<Subscription> subscription_from(std::string_view text) {
    for (auto s : {Subscription::None, Subscription::To, Subscription::From, Subscription::Both})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

struct RosterItem {
    std::string jid;                  // bare JID
    std::string name;                 // "" when none
    std::vector<std::string> groups;  // sorted, no duplicates
    Subscription subscription = Subscription::None;
    bool ask = false;  // ask='subscribe': our request waits for the contact's answer

    bool operator==(const RosterItem&) const = default;
};

// A contact asked to see our presence (<presence type='subscribe'/>) and is waiting.
struct SubscriptionRequest {
    std::string jid;               // bare JID
    std::string message;           // the request's <status/>, "" when none
    std::int64_t received_at = 0;  // Unix milliseconds, first received

    bool operator==(const SubscriptionRequest&) const = default;
};

// One change of a profile's roster: an item set or removed, or a request that came or
// went (approved, denied or withdrawn).
struct RosterChange {
    std::string profile;
    std::string jid;
    enum class Kind { Item, Request } kind = Kind::Item;
    std::optional<RosterItem> item;              // Kind::Item: the item now; unset: removed
    std::optional<SubscriptionRequest> request;  // Kind::Request: the request; unset: gone
};

using RosterHandlerId = std::uint64_t;

// The roster plugin: host.plugin_as<roster::RosterApi>(roster::kPluginName). Reads come
// from the database, so they answer while the profile is offline. Reactor thread only.
class RosterApi {
public:
    virtual ~RosterApi() = default;
    virtual std::vector<RosterItem> items(const std::string& profile) = 0;
    virtual std::optional<RosterItem> item(const std::string& profile, const std::string& jid) = 0;
    virtual std::vector<SubscriptionRequest> requests(const std::string& profile) = 0;

    // Called after each change is stored, in the order they happened.
    using ChangeHandler = std::function<void(const RosterChange&)>;
    virtual RosterHandlerId on_change(ChangeHandler handler) = 0;
    virtual void remove_change_handler(RosterHandlerId id) = 0;
};

}  // namespace roost::roster

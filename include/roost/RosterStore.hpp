// SPDX-License-Identifier: MIT
// RosterStore: each profile's roster in the user's database (host.roster_store()): the
// items, the version the server gave them (XEP-0237), and the subscription requests
// waiting for an answer. The roster plugin writes it; it survives restarts.
#pragma once

#include "roost/Roster.hpp"

#include <optional>
#include <string>
#include <vector>

namespace roost::roster {

// Reactor thread only. Writes are atomic: a reader never sees half a change.
class RosterStore {
public:
    virtual ~RosterStore() = default;

    // Items ordered by JID.
    virtual std::vector<RosterItem> items(const std::string& profile) = 0;
    virtual std::optional<RosterItem> item(const std::string& profile, const std::string& jid) = 0;
    // The version of the stored items; unset when the server gave none.
    virtual std::optional<std::string> version(const std::string& profile) = 0;

    // A whole roster from the server replaces the stored one.
    virtual void replace(const std::string& profile, const std::vector<RosterItem>& items,
                         const std::optional<std::string>& version) = 0;
    // A roster push: one item set or removed, and the version it brings (unset keeps
    // none: an unversioned push makes the stored version stale).
    virtual void set_item(const std::string& profile, const RosterItem& item,
                          const std::optional<std::string>& version) = 0;
    virtual void remove_item(const std::string& profile, const std::string& jid,
                             const std::optional<std::string>& version) = 0;

    // Requests ordered by arrival. add_request keeps the first arrival time and the
    // latest message of a request received again (servers redeliver them at login).
    virtual std::vector<SubscriptionRequest> requests(const std::string& profile) = 0;
    virtual void add_request(const std::string& profile, const SubscriptionRequest& request) = 0;
    // False when there was none.
    virtual bool remove_request(const std::string& profile, const std::string& jid) = 0;
};

}  // namespace roost::roster

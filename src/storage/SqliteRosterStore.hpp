// SPDX-License-Identifier: MIT
// SqliteRosterStore: each profile's roster in SQLite (tables roster_items,
// roster_groups, roster_versions and roster_requests of migrations/0005_roster).
#pragma once

#include "roost/RosterStore.hpp"
#include "src/storage/Database.hpp"
#include "src/storage/StatementCache.hpp"

namespace roost::storage {

// Keeps prepared statements, so it must go before the Database it was given.
// Reactor thread only.
class SqliteRosterStore final : public roster::RosterStore {
public:
    explicit SqliteRosterStore(Database& db);

    std::vector<roster::RosterItem> items(const std::string& profile) override;
    std::optional<roster::RosterItem> item(const std::string& profile,
                                           const std::string& jid) override;
    std::optional<std::string> version(const std::string& profile) override;
    void replace(const std::string& profile, const std::vector<roster::RosterItem>& items,
                 const std::optional<std::string>& version) override;
    void set_item(const std::string& profile, const roster::RosterItem& item,
                  const std::optional<std::string>& version) override;
    void remove_item(const std::string& profile, const std::string& jid,
                     const std::optional<std::string>& version) override;

    std::vector<roster::SubscriptionRequest> requests(const std::string& profile) override;
    void add_request(const std::string& profile,
                     const roster::SubscriptionRequest& request) override;
    bool remove_request(const std::string& profile, const std::string& jid) override;

private:
    std::vector<roster::RosterItem> read_items(const std::string& profile, const std::string* jid);
    void write_item(std::int64_t profile_id, const roster::RosterItem& item);
    void write_version(std::int64_t profile_id, const std::optional<std::string>& version);

    Database& db_;
    StatementCache statements_;
};

}  // namespace roost::storage

// SPDX-License-Identifier: MIT
#include "src/storage/SqliteRosterStore.hpp"

#include "src/storage/BoundSql.hpp"
#include "src/storage/ProfileRows.hpp"

#include <stdexcept>

namespace roost::storage {

using roster::RosterItem;
using roster::SubscriptionRequest;

SqliteRosterStore::SqliteRosterStore(Database& db) : db_(db), statements_(db) {}

std::vector<RosterItem> SqliteRosterStore::items(const std::string& profile) {
    return read_items(profile, nullptr);
}

std::optional<RosterItem> SqliteRosterStore::item(const std::string& profile,
                                                  const std::string& jid) {
    auto found = read_items(profile, &jid);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

// One query for items and groups: a row per group (one with a NULL group for an item
// without any), in JID then group order.
std::vector<RosterItem> SqliteRosterStore::read_items(const std::string& profile,
                                                      const std::string* jid) {
    BoundSql sql;
    sql.add("SELECT i.jid, i.name, i.subscription, i.ask, g.name FROM roster_items i "
            "JOIN profiles p ON p.id = i.profile_id "
            "LEFT JOIN roster_groups g ON g.profile_id = i.profile_id AND g.jid = i.jid "
            "WHERE p.name = ?",
            profile);
    if (jid) sql.add(" AND i.jid = ?", *jid);
    sql.add(" ORDER BY i.jid, g.name");
    auto query = statements_.statement(sql);
    std::vector<RosterItem> items;
    while (query->executeStep()) {
        std::string item_jid = query->getColumn(0).getString();
        if (items.empty() || items.back().jid != item_jid) {
            RosterItem item;
            item.jid = std::move(item_jid);
            item.name = query->getColumn(1).getString();
            item.subscription = roster::subscription_from(query->getColumn(2).getString())
                                    .value_or(roster::Subscription::None);
            item.ask = query->getColumn(3).getInt() != 0;
            items.push_back(std::move(item));
        }
        if (!query->getColumn(4).isNull())
            items.back().groups.push_back(query->getColumn(4).getString());
    }
    return items;
}

std::optional<std::string> SqliteRosterStore::version(const std::string& profile) {
    auto query = statements_.statement(
        BoundSql().add("SELECT v.version FROM roster_versions v JOIN profiles p ON "
                       "p.id = v.profile_id WHERE p.name = ?",
                       profile));
    if (!query->executeStep()) return std::nullopt;
    return query->getColumn(0).getString();
}

void SqliteRosterStore::replace(const std::string& profile, const std::vector<RosterItem>& items,
                                const std::optional<std::string>& version) {
    auto transaction = db_.transaction();
    std::int64_t id = ensure_profile(statements_, db_, profile);
    statements_.statement(BoundSql().add("DELETE FROM roster_items WHERE profile_id = ?", id))
        ->exec();
    for (const auto& item : items) write_item(id, item);
    write_version(id, version);
    transaction.commit();
}

void SqliteRosterStore::set_item(const std::string& profile, const RosterItem& item,
                                 const std::optional<std::string>& version) {
    auto transaction = db_.transaction();
    std::int64_t id = ensure_profile(statements_, db_, profile);
    statements_
        .statement(BoundSql().add("DELETE FROM roster_items WHERE profile_id = ? AND jid = ?", id,
                                  item.jid))
        ->exec();
    write_item(id, item);
    write_version(id, version);
    transaction.commit();
}

void SqliteRosterStore::remove_item(const std::string& profile, const std::string& jid,
                                    const std::optional<std::string>& version) {
    auto transaction = db_.transaction();
    std::int64_t id = ensure_profile(statements_, db_, profile);
    statements_
        .statement(
            BoundSql().add("DELETE FROM roster_items WHERE profile_id = ? AND jid = ?", id, jid))
        ->exec();
    write_version(id, version);
    transaction.commit();
}

void SqliteRosterStore::write_item(std::int64_t profile_id, const RosterItem& item) {
    if (item.jid.empty()) throw std::invalid_argument("a roster item needs a JID");
    statements_
        .statement(BoundSql().add("INSERT INTO roster_items (profile_id, jid, name, subscription, "
                                  "ask) VALUES (?, ?, ?, ?, ?)",
                                  profile_id, item.jid, item.name,
                                  std::string(roster::to_string(item.subscription)),
                                  std::int64_t{item.ask}))
        ->exec();
    for (const auto& group : item.groups)
        statements_
            .statement(BoundSql().add(
                "INSERT OR IGNORE INTO roster_groups (profile_id, jid, name) VALUES (?, ?, ?)",
                profile_id, item.jid, group))
            ->exec();
}

void SqliteRosterStore::write_version(std::int64_t profile_id,
                                      const std::optional<std::string>& version) {
    if (version)
        statements_
            .statement(
                BoundSql().add("INSERT INTO roster_versions (profile_id, version) VALUES (?, ?) "
                               "ON CONFLICT (profile_id) DO UPDATE SET version = excluded.version",
                               profile_id, *version))
            ->exec();
    else
        statements_
            .statement(
                BoundSql().add("DELETE FROM roster_versions WHERE profile_id = ?", profile_id))
            ->exec();
}

std::vector<SubscriptionRequest> SqliteRosterStore::requests(const std::string& profile) {
    auto query = statements_.statement(
        BoundSql().add("SELECT r.jid, r.message, r.received_at FROM roster_requests r "
                       "JOIN profiles p ON p.id = r.profile_id WHERE p.name = ? "
                       "ORDER BY r.received_at, r.jid",
                       profile));
    std::vector<SubscriptionRequest> requests;
    while (query->executeStep())
        requests.push_back({query->getColumn(0).getString(), query->getColumn(1).getString(),
                            query->getColumn(2).getInt64()});
    return requests;
}

void SqliteRosterStore::add_request(const std::string& profile,
                                    const SubscriptionRequest& request) {
    if (request.jid.empty()) throw std::invalid_argument("a subscription request needs a JID");
    std::int64_t id = ensure_profile(statements_, db_, profile);
    statements_
        .statement(BoundSql().add(
            "INSERT INTO roster_requests (profile_id, jid, message, received_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (profile_id, jid) DO UPDATE SET message = "
            "excluded.message",
            id, request.jid, request.message, request.received_at))
        ->exec();
}

bool SqliteRosterStore::remove_request(const std::string& profile, const std::string& jid) {
    auto id = find_profile(statements_, profile);
    if (!id) return false;
    statements_
        .statement(BoundSql().add("DELETE FROM roster_requests WHERE profile_id = ? AND jid = ?",
                                  *id, jid))
        ->exec();
    return db_.sqlite().getChanges() > 0;
}

}  // namespace roost::storage

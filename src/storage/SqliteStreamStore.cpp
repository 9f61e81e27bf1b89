// SPDX-License-Identifier: MIT
#include "src/storage/SqliteStreamStore.hpp"

#include "src/storage/BoundSql.hpp"
#include "src/storage/ProfileRows.hpp"
#include "src/storage/UnixTime.hpp"

namespace roost::storage {

using streams::StoredStream;

SqliteStreamStore::SqliteStreamStore(Database& db) : db_(db), statements_(db) {}

std::vector<StoredStream> SqliteStreamStore::list(const std::string& profile) {
    return read(profile, nullptr);
}

std::optional<StoredStream> SqliteStreamStore::get(const std::string& profile,
                                                   const std::string& name) {
    auto found = read(profile, &name);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

std::vector<StoredStream> SqliteStreamStore::read(const std::string& profile,
                                                  const std::string* name) {
    BoundSql sql;
    sql.add("SELECT s.name, s.rule, s.defined_at FROM streams s "
            "JOIN profiles p ON p.id = s.profile_id WHERE p.name = ?",
            profile);
    if (name) sql.add(" AND s.name = ?", *name);
    sql.add(" ORDER BY s.name");
    auto query = statements_.statement(sql);
    std::vector<StoredStream> streams;
    while (query->executeStep())
        streams.push_back({query->getColumn(0).getString(),
                           nlohmann::json::parse(query->getColumn(1).getString()),
                           query->getColumn(2).getInt64()});
    return streams;
}

bool SqliteStreamStore::define(const std::string& profile, const std::string& name,
                               const nlohmann::json& rule) {
    auto transaction = db_.transaction();
    std::int64_t id = ensure_profile(statements_, db_, profile);
    auto existing = statements_.statement(
        BoundSql().add("SELECT 1 FROM streams WHERE profile_id = ? AND name = ?", id, name));
    bool replaced = existing->executeStep();
    existing->reset();
    statements_
        .statement(BoundSql().add(
            "INSERT INTO streams (profile_id, name, rule, defined_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (profile_id, name) DO UPDATE SET rule = excluded.rule, "
            "defined_at = excluded.defined_at",
            id, name, rule.dump(), now_ms()))
        ->exec();
    transaction.commit();
    return replaced;
}

bool SqliteStreamStore::remove(const std::string& profile, const std::string& name) {
    auto id = find_profile(statements_, profile);
    if (!id) return false;
    return statements_
               .statement(BoundSql().add("DELETE FROM streams WHERE profile_id = ? AND name = ?",
                                         *id, name))
               ->exec() > 0;
}

}  // namespace roost::storage

// SPDX-License-Identifier: MIT
#include "src/storage/ProfileRows.hpp"

#include "src/storage/BoundSql.hpp"
#include "src/storage/UnixTime.hpp"

#include <stdexcept>

namespace roost::storage {

std::optional<std::int64_t> find_profile(StatementCache& statements, const std::string& name) {
    auto query =
        statements.statement(BoundSql().add("SELECT id FROM profiles WHERE name = ?", name));
    if (!query->executeStep()) return std::nullopt;
    return query->getColumn(0).getInt64();
}

std::int64_t ensure_profile(StatementCache& statements, Database& db, const std::string& name) {
    if (name.empty()) throw std::invalid_argument("no profile given");
    if (auto id = find_profile(statements, name)) return *id;
    // The account's JID is the profile manager's to fill; the stores only need the row.
    statements
        .statement(BoundSql().add("INSERT INTO profiles (name, jid, created_at) VALUES (?, '', ?)",
                                  name, now_ms()))
        ->exec();
    return db.sqlite().getLastInsertRowid();
}

}  // namespace roost::storage

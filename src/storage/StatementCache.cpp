// SPDX-License-Identifier: MIT
// StatementCache: a statement is prepared once per SQL text, on first use.
#include "src/storage/StatementCache.hpp"

namespace roost::storage {

SQLite::Statement& StatementCache::prepared(const std::string& sql) {
    auto& cached = statements_[sql];
    if (!cached) cached = std::make_unique<SQLite::Statement>(db_.sqlite(), sql);
    cached->tryReset();
    cached->clearBindings();
    return *cached;
}

StatementCache::Use StatementCache::statement(const std::string& sql) { return Use(prepared(sql)); }

StatementCache::Use StatementCache::statement(const BoundSql& bound) {
    SQLite::Statement& cached = prepared(bound.sql);
    bind_all(cached, bound.params);
    return Use(cached);
}

}  // namespace roost::storage

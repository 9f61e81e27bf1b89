// SPDX-License-Identifier: MIT
// StatementCache: prepared statements kept by their SQL text and reused, each handed
// out reset with its values bound, and reset again when its use ends.
#pragma once

#include "src/storage/BoundSql.hpp"
#include "src/storage/Database.hpp"

#include <memory>
#include <string>
#include <unordered_map>

namespace roost::storage {

// The statements live as long as the cache, so it must go before the Database it was
// given. Reactor thread only.
class StatementCache {
public:
    // Resets the statement when the use ends, so that no read lingers.
    class Use {
    public:
        explicit Use(SQLite::Statement& statement) : statement_(statement) {}
        ~Use() { statement_.tryReset(); }
        Use(const Use&) = delete;
        Use& operator=(const Use&) = delete;
        SQLite::Statement* operator->() { return &statement_; }
        SQLite::Statement& operator*() { return statement_; }

    private:
        SQLite::Statement& statement_;
    };

    explicit StatementCache(Database& db) : db_(db) {}

    // The cached statement for `sql`, in use: reset, and with `bound`'s values bound.
    Use statement(const std::string& sql);
    Use statement(const BoundSql& bound);

private:
    // The cached statement for `sql`, reset and unbound.
    SQLite::Statement& prepared(const std::string& sql);

    Database& db_;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace roost::storage

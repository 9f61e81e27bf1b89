// SPDX-License-Identifier: MIT
// Database: the user's one SQLite file, opened with the settings Roost relies on
// (WAL, foreign keys, a busy timeout, its SQL functions). SQLiteCpp underneath.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace roost::storage {

// A database that cannot be used as it is: not SQLite, corrupt, unreadable.
class DatabaseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Database {
public:
    static constexpr std::chrono::milliseconds kBusyTimeout{5000};
    static constexpr std::string_view kInMemory = ":memory:";

    enum class Mode { ReadWrite, ReadOnly };

    // Opens (and in ReadWrite mode creates) the file; kInMemory for a private
    // in-memory database. Throws DatabaseError with a message that says what to do.
    explicit Database(const std::filesystem::path& path, Mode mode = Mode::ReadWrite);

    SQLite::Database& sqlite() { return db_; }
    const std::filesystem::path& path() const { return path_; }
    bool in_memory() const { return path_ == kInMemory; }

    SQLite::Statement prepare(const std::string& sql) { return SQLite::Statement(db_, sql); }
    void exec(const std::string& sql) { db_.exec(sql); }
    // BEGIN IMMEDIATE: writers take the lock up front instead of failing half-way.
    SQLite::Transaction transaction() {
        return SQLite::Transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    }

    // Copies the whole database to `destination` with SQLite's online backup API.
    void backup_to(const std::filesystem::path& destination);

private:
    std::filesystem::path path_;
    SQLite::Database db_;
};

}  // namespace roost::storage

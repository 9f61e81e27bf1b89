// SPDX-License-Identifier: MIT
// Database: the user's one SQLite file, opened with the settings Roost relies on
// (WAL, foreign keys, a busy timeout, its SQL functions). SQLiteCpp underneath.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <filesystem>
#include <functional>
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
    static constexpr int kWalCheckpointPages = 1000;  // SQLite's default

    enum class Mode { ReadWrite, ReadOnly };

    // Opens (and in ReadWrite mode creates) the file; kInMemory for a private
    // in-memory database. Throws DatabaseError with a message that says what to do.
    explicit Database(const std::filesystem::path& path, Mode mode = Mode::ReadWrite);

    SQLite::Database& sqlite() { return db_; }
    const std::filesystem::path& path() const { return path_; }
    bool in_memory() const { return path_ == kInMemory; }

    SQLite::Statement prepare(const std::string& sql) { return SQLite::Statement(db_, sql); }
    void exec(const std::string& sql) { db_.exec(sql); }
    // One write, all or nothing: its own transaction, or a savepoint inside a batch.
    class Transaction;
    Transaction transaction();

    // Until the matching end_batch(), writes share one transaction: one commit (and one
    // WAL append) for many small writes, each still rolled back alone when it fails.
    // Nests. end_batch() throws when the batch is not committed whole: its commit failed,
    // or SQLite undid it before (a full disk, say); either way none of it was kept but
    // the writes made after SQLite undid it.
    void begin_batch();
    void end_batch();

    // Calls `committed` after each commit to the WAL (nullptr: none); SQLite's own
    // checkpoint every kWalCheckpointPages pages stays.
    void on_commit(std::function<void()> committed);
    // Writes the WAL back into the database and truncates it to nothing (the file keeps
    // the size of the largest run of writes otherwise). Does not wait: false when a
    // reader or an open transaction holds the WAL.
    bool truncate_wal();

    // Copies the whole database to `destination` with SQLite's online backup API.
    void backup_to(const std::filesystem::path& destination);

private:
    std::filesystem::path path_;
    SQLite::Database db_;
    int batch_depth_ = 0;
    std::function<void()> committed_;
};

class Database::Transaction {
public:
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();  // rolls back unless committed
    void commit();

private:
    friend class Database;
    explicit Transaction(Database& db);

    Database& db_;
    bool savepoint_;
    bool done_ = false;
};

inline Database::Transaction Database::transaction() { return Transaction(*this); }

}  // namespace roost::storage

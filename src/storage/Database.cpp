// SPDX-License-Identifier: MIT
// Database: opening with Roost's pragmas, and online backups.
#include "src/storage/Database.hpp"

#include "src/storage/SqlFunctions.hpp"

#include <sqlite3.h>

#include <SQLiteCpp/Backup.h>

#include <stdexcept>

namespace roost::storage {
namespace {

constexpr int kWalBytesKept = 4 * 1024 * 1024;  // SQLite's default checkpoint is ~4 MB of WAL

int open_flags(Database::Mode mode) {
    if (mode == Database::Mode::ReadOnly) return SQLite::OPEN_READONLY;
    return SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
}

SQLite::Database open(const std::filesystem::path& path, Database::Mode mode) {
    try {
        return SQLite::Database(path.string(), open_flags(mode),
                                static_cast<int>(Database::kBusyTimeout.count()));
    } catch (const SQLite::Exception& e) {
        throw DatabaseError(path.string() + ": cannot open the database: " + e.what());
    }
}

}  // namespace

Database::Database(const std::filesystem::path& path, Mode mode)
    : path_(path), db_(open(path, mode)) {
    try {
        // Reading the schema first turns "not a database" into an error here,
        // before any pragma could write to the file.
        db_.execAndGet("SELECT count(*) FROM sqlite_master");
        if (!in_memory() && mode == Mode::ReadWrite) {
            db_.execAndGet("PRAGMA journal_mode = WAL");
            db_.exec("PRAGMA synchronous = NORMAL");
            // The WAL file keeps the size of its largest run of writes (a sync's pages:
            // 14 MB after 10,000 items) unless told: it is cut back to this whenever a
            // checkpoint lets it start over.
            db_.execAndGet("PRAGMA journal_size_limit = " + std::to_string(kWalBytesKept));
        }
        db_.exec("PRAGMA foreign_keys = ON");
    } catch (const SQLite::Exception& e) {
        throw DatabaseError(path.string() + ": not a usable SQLite database (" + e.what() +
                            "); restore it from a backup (" + path.filename().string() +
                            ".backup-*) or move it aside");
    }
    // Per connection: search's SQL calls them on whichever connection runs it.
    register_sql_functions(db_);
}

void Database::begin_batch() {
    if (batch_depth_ == 0) db_.exec("BEGIN IMMEDIATE");
    ++batch_depth_;
}

void Database::end_batch() {
    if (batch_depth_ == 0 || --batch_depth_ > 0) return;
    // Autocommit already: SQLite undid the batch itself (a full disk, say); the write
    // that met it threw, but the batch's earlier writes are gone too.
    if (sqlite3_get_autocommit(db_.getHandle()))
        throw std::runtime_error("the batch was undone before its end by a failed write");
    try {
        db_.exec("COMMIT");
    } catch (const SQLite::Exception&) {
        if (!sqlite3_get_autocommit(db_.getHandle())) db_.exec("ROLLBACK");
        throw;
    }
}

// BEGIN IMMEDIATE: writers take the lock up front instead of failing half-way.
Database::Transaction::Transaction(Database& db) : db_(db), savepoint_(db.batch_depth_ > 0) {
    db_.exec(savepoint_ ? "SAVEPOINT write" : "BEGIN IMMEDIATE");
}

Database::Transaction::~Transaction() {
    if (done_) return;
    try {
        if (!savepoint_)
            db_.exec("ROLLBACK");
        else if (!sqlite3_get_autocommit(db_.sqlite().getHandle()))
            db_.exec("ROLLBACK TO write; RELEASE write");
    } catch (const SQLite::Exception&) {  // SQLite rolled back already
    }
}

void Database::Transaction::commit() {
    db_.exec(savepoint_ ? "RELEASE write" : "COMMIT");
    done_ = true;
}

void Database::on_commit(std::function<void()> committed) {
    committed_ = std::move(committed);
    if (!committed_) {
        sqlite3_wal_autocheckpoint(db_.getHandle(), kWalCheckpointPages);
        return;
    }
    // One WAL hook per connection: this one checkpoints as SQLite's own would.
    sqlite3_wal_hook(
        db_.getHandle(),
        [](void* self, sqlite3* db, const char* name, int pages) {
            if (pages >= kWalCheckpointPages)
                sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
            static_cast<Database*>(self)->committed_();
            return SQLITE_OK;
        },
        this);
}

bool Database::truncate_wal() {
    sqlite3* handle = db_.getHandle();
    sqlite3_busy_timeout(handle, 0);  // a reader now means "not now", not a wait
    int result =
        sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    sqlite3_busy_timeout(handle, static_cast<int>(kBusyTimeout.count()));
    return result == SQLITE_OK;
}

void Database::backup_to(const std::filesystem::path& destination) {
    SQLite::Database target(destination.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup backup(target, db_);
    backup.executeStep();  // -1 pages: everything in one step
}

}  // namespace roost::storage

// SPDX-License-Identifier: MIT
// Database: opening with Roost's pragmas, and online backups.
#include "src/storage/Database.hpp"

#include "src/storage/SqlFunctions.hpp"

#include <SQLiteCpp/Backup.h>

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

void Database::backup_to(const std::filesystem::path& destination) {
    SQLite::Database target(destination.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup backup(target, db_);
    backup.executeStep();  // -1 pages: everything in one step
}

}  // namespace roost::storage

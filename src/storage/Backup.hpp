// SPDX-License-Identifier: MIT
// Backups taken before a schema change: a consistent copy beside the database,
// named after the version it was at and the time.
#pragma once

#include "src/storage/Database.hpp"
#include "src/storage/Migrator.hpp"

#include <filesystem>
#include <optional>
#include <vector>

namespace roost::storage {

// Copies `db` (a file database) to "<path>.backup-v<version>-<UTC time>" with SQLite's
// online backup API and returns where.
std::filesystem::path backup_before_migration(Database& db, int version);

// Runs `steps`, first backing up a database that holds anything (a new, empty
// file needs no backup); returns the backup's path, if one was made.
std::optional<std::filesystem::path> migrate_with_backup(Database& db, Migrator& migrator,
                                                         const std::vector<MigrationStep>& steps);

}  // namespace roost::storage

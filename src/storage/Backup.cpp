// SPDX-License-Identifier: MIT
// Backups before migrations.
#include "src/storage/Backup.hpp"

#include <ctime>

namespace roost::storage {

std::filesystem::path backup_before_migration(Database& db, int version) {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    std::filesystem::path target =
        db.path().string() + ".backup-v" + std::to_string(version) + "-" + stamp;
    db.backup_to(target);
    return target;
}

}  // namespace roost::storage

namespace roost::storage {

std::optional<std::filesystem::path> migrate_with_backup(Database& db, Migrator& migrator,
                                                         const std::vector<MigrationStep>& steps) {
    if (steps.empty()) return std::nullopt;
    std::optional<std::filesystem::path> backup;
    bool holds_anything = db.sqlite().execAndGet("SELECT count(*) FROM sqlite_schema").getInt() > 0;
    if (!db.in_memory() && holds_anything)
        backup = backup_before_migration(db, migrator.current_version());
    migrator.run(steps);
    return backup;
}

}  // namespace roost::storage

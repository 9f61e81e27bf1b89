// SPDX-License-Identifier: MIT
// Migrator: brings a database to a version of the schema by running migrations,
// and refuses databases it cannot handle safely (too new, edited history).
#pragma once

#include "src/storage/Database.hpp"
#include "src/storage/MigrationSet.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace roost::storage {

struct AppliedMigration {
    int version = 0;
    std::string name;
    std::string checksum;
    std::int64_t applied_at_ms = 0;
};

// One migration to run, up or down.
struct MigrationStep {
    const Migration* migration;
    bool up;
    const std::string& sql() const { return up ? migration->up_sql : migration->down_sql; }
};

// Thrown when the database is newer than the known migrations, or an applied
// migration no longer matches its file; the message says what to do.
class MigrationRefused : public MigrationError {
public:
    using MigrationError::MigrationError;
};

class Migrator {
public:
    Migrator(Database& db, const MigrationSet& migrations);

    std::vector<AppliedMigration> applied();
    int current_version();  // 0 for a database with no migration applied

    // Throws MigrationRefused unless every applied migration is known and unchanged.
    void verify();

    // Steps to reach `target` (the latest when unset); empty when already there.
    // Both verify() first and throw MigrationError for a target in the wrong direction.
    std::vector<MigrationStep> plan_upgrade(std::optional<int> target = std::nullopt);
    std::vector<MigrationStep> plan_downgrade(int target);

    // Runs all steps in one transaction: if any fails, the database is left
    // exactly as it was and MigrationError names the failing migration.
    void run(const std::vector<MigrationStep>& steps);

    // The SQL that run() would execute, for --dry-run.
    static std::string script(const std::vector<MigrationStep>& steps);

private:
    bool has_migrations_table();
    void ensure_migrations_table();

    Database& db_;
    const MigrationSet& migrations_;
};

// The schema as SQLite stores it, one normalised statement per line, without
// comments, schema_migrations or FTS shadow tables, in creation order; two
// databases with the same schema give the same text.
std::string normalized_schema(Database& db);

}  // namespace roost::storage

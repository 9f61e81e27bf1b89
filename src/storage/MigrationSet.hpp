// SPDX-License-Identifier: MIT
// MigrationSet: the numbered up/down SQL pairs Roost knows, read from the embedded
// copy or from a directory (development, tests), checked to be complete.
#pragma once

#include "src/storage/EmbeddedMigrations.hpp"

#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace roost::storage {

// A migration set, a database or a plan that the migrator will not work with.
class MigrationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Migration {
    int version = 0;
    std::string name;  // "initial" for 0001_initial
    std::string up_sql;
    std::string down_sql;
    std::string checksum;  // of up_sql; see checksum_of()

    std::string label() const;  // "0001_initial"
};

// "0001_initial" for version 1 named "initial".
std::string migration_label(int version, std::string_view name);

// A hash that detects any edit of a migration file (FNV-1a, 64 bits, hex). It
// guards against accidents, not attackers, like Flyway's CRC32.
std::string checksum_of(std::string_view text);

class MigrationSet {
public:
    static MigrationSet embedded();
    static MigrationSet from_directory(const std::filesystem::path& directory);
    // Files named NNNN_name.up.sql / NNNN_name.down.sql; other names are an error.
    // Versions must run 1, 2, 3... and each needs both files.
    static MigrationSet from_files(std::span<const MigrationFile> files);

    const std::vector<Migration>& all() const { return migrations_; }
    int latest_version() const { return static_cast<int>(migrations_.size()); }
    const Migration* find(int version) const;

private:
    std::vector<Migration> migrations_;  // index i holds version i + 1
};

// True for names a new migration may take: lower-case letters, digits, '_'.
bool is_valid_migration_name(std::string_view name);

}  // namespace roost::storage

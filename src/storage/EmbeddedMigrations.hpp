// SPDX-License-Identifier: MIT
// The migration files compiled into the binaries (generated from migrations/ by
// tools/embed_migrations.py), so that an installed roostd needs no source tree.
#pragma once

#include <span>

namespace roost::storage {

struct MigrationFile {
    const char* name;  // NNNN_name.up.sql or NNNN_name.down.sql
    const char* text;
};

std::span<const MigrationFile> embedded_migration_files();

}  // namespace roost::storage

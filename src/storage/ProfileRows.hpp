// SPDX-License-Identifier: MIT
// ProfileRows: the row of table `profiles` that a profile's cached nodes, roster and
// requests reference, found by the profile's name and made on first use.
#pragma once

#include "src/storage/Database.hpp"
#include "src/storage/StatementCache.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace roost::storage {

std::optional<std::int64_t> find_profile(StatementCache& statements, const std::string& name);
// Throws std::invalid_argument for an empty name.
std::int64_t ensure_profile(StatementCache& statements, Database& db, const std::string& name);

}  // namespace roost::storage

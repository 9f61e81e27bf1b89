// SPDX-License-Identifier: MIT
// SqlFunctions: the functions Roost adds to SQL on every connection it opens, for search
// to compare what json_extract() cannot (dates as instants) without leaving SQLite.
#pragma once

#include <SQLiteCpp/Database.h>

namespace roost::storage {

// rfc3339_ms(value): the instant of an XEP-0082 DateTime in milliseconds since the epoch
// (src/storage/Rfc3339.hpp); NULL for any other text and for values that are not text.
// Deterministic and innocuous, so that an index on an expression may use it; such an
// index makes the table unwritable from connections without the function (sqlite3 CLI).
inline constexpr const char* kDateTimeMsFunction = "rfc3339_ms";

// Registers the functions above on `db`. Throws SQLite::Exception if SQLite refuses.
void register_sql_functions(SQLite::Database& db);

}  // namespace roost::storage

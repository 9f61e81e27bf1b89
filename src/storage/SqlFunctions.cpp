// SPDX-License-Identifier: MIT
// SqlFunctions: rfc3339_ms() over the C API, which SQLiteCpp's createFunction() reaches
// only without SQLITE_INNOCUOUS.
#include "src/storage/SqlFunctions.hpp"

#include "src/storage/Rfc3339.hpp"

#include <sqlite3.h>

#include <string_view>

namespace roost::storage {
namespace {

void rfc3339_ms(sqlite3_context* context, int, sqlite3_value** arguments) {
    // json_extract() gives numbers as numbers: only text can be a date.
    if (sqlite3_value_type(arguments[0]) != SQLITE_TEXT) return sqlite3_result_null(context);
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(arguments[0]));
    const int size = sqlite3_value_bytes(arguments[0]);
    if (!text) return sqlite3_result_null(context);
    auto ms = date_time_ms(std::string_view(text, static_cast<std::size_t>(size)));
    if (!ms) return sqlite3_result_null(context);
    sqlite3_result_int64(context, *ms);
}

}  // namespace

void register_sql_functions(SQLite::Database& db) {
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    const int result = sqlite3_create_function_v2(db.getHandle(), kDateTimeMsFunction, 1, flags,
                                                  nullptr, rfc3339_ms, nullptr, nullptr, nullptr);
    if (result != SQLITE_OK) throw SQLite::Exception(db.getHandle(), result);
}

}  // namespace roost::storage

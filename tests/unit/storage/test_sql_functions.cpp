// SPDX-License-Identifier: MIT
// rfc3339_ms(), the SQL function every Database connection has: what it answers, and
// that SQLite takes it as deterministic (usable in an index on an expression).
#include "src/storage/Database.hpp"

#include <doctest/doctest.h>

#include <string>

using roost::storage::Database;

namespace {

// rfc3339_ms(?) on a fresh connection, NULL as "null".
std::string rfc3339_ms(Database& db, const std::string& argument_sql) {
    auto result = db.sqlite().execAndGet("SELECT rfc3339_ms(" + argument_sql + ")");
    return result.isNull() ? "null" : std::to_string(result.getInt64());
}

}  // namespace

TEST_CASE("rfc3339_ms gives an XEP-0082 DateTime's instant in milliseconds, else NULL") {
    Database db{std::string(Database::kInMemory)};
    CHECK(rfc3339_ms(db, "'2026-06-01T14:00:00.5+02:00'") == "1780315200500");
    CHECK(rfc3339_ms(db, "json_extract('{\"p\":\"2026-06-01T12:00:00Z\"}', '$.p')") ==
          "1780315200000");
    for (const char* other :
         {"'soon'", "'2026-06-01'", "'2026-13-01T00:00:00Z'", "NULL", "42", "1780315200000", "4.5",
          "x'00ff'", "'2026-06-01T12:00:00Z' || x'00'"}) {
        INFO(other);
        CHECK(rfc3339_ms(db, other) == "null");
    }
}

TEST_CASE("rfc3339_ms is deterministic, so an index on an expression may use it") {
    Database db{std::string(Database::kInMemory)};
    db.exec("CREATE TABLE t (doc TEXT)");
    db.exec("CREATE INDEX t_published ON t (rfc3339_ms(json_extract(doc, '$.published')))");
    db.exec(R"(INSERT INTO t VALUES ('{"published":"2026-06-01T11:00:00-03:00"}'), )"
            R"(('{"published":"2026-06-01T13:30:00+02:00"}'), ('{"published":"soon"}'))");
    // The plan's detail column names the index it searches.
    auto detail = db.prepare("EXPLAIN QUERY PLAN SELECT doc FROM t WHERE "
                             "rfc3339_ms(json_extract(doc, '$.published')) > 1780315200000");
    REQUIRE(detail.executeStep());
    CHECK(detail.getColumn(3).getString().find("t_published") != std::string::npos);
    CHECK(db.sqlite()
              .execAndGet("SELECT count(*) FROM t WHERE "
                          "rfc3339_ms(json_extract(doc, '$.published')) > 1780315200000")
              .getInt() == 1);
}

// SPDX-License-Identifier: MIT
#include "src/storage/Database.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

using roost::storage::Database;
using roost::storage::DatabaseError;
using roost::test::TempDir;

TEST_CASE("a new database file is created in WAL mode with foreign keys on, its WAL kept small") {
    TempDir dir;
    Database db(dir / "roost.db");
    CHECK(std::filesystem::exists(dir / "roost.db"));
    CHECK(db.sqlite().execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.sqlite().execAndGet("PRAGMA journal_size_limit").getInt64() == 4 * 1024 * 1024);
    CHECK(db.sqlite().execAndGet("PRAGMA foreign_keys").getInt() == 1);
    CHECK(db.sqlite().execAndGet("PRAGMA busy_timeout").getInt() == Database::kBusyTimeout.count());
}

TEST_CASE("a file that is not a database is refused and left untouched") {
    TempDir dir;
    std::string garbage(8192, 'x');
    roost::test::write_file(dir / "roost.db", garbage);
    CHECK_THROWS_WITH_AS(Database(dir / "roost.db"),
                         doctest::Contains("not a usable SQLite database"), DatabaseError);
    CHECK(roost::test::read_file(dir / "roost.db") == garbage);
}

TEST_CASE("a backup holds the same rows as its source") {
    TempDir dir;
    Database db(dir / "roost.db");
    db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)");
    db.backup_to(dir / "copy.db");
    Database copy(dir / "copy.db", Database::Mode::ReadOnly);
    CHECK(copy.sqlite().execAndGet("SELECT sum(x) FROM t").getInt() == 6);
}

TEST_CASE("a transaction that is not committed rolls back") {
    Database db{std::string(Database::kInMemory)};
    db.exec("CREATE TABLE t (x INTEGER)");
    {
        auto transaction = db.transaction();
        db.exec("INSERT INTO t VALUES (1)");
    }
    CHECK(db.sqlite().execAndGet("SELECT count(*) FROM t").getInt() == 0);
}

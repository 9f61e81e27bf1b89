// SPDX-License-Identifier: MIT
#include "src/storage/Database.hpp"
#include "tests/support/CommitCount.hpp"
#include "tests/support/TempDir.hpp"

#include <sqlite3.h>

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>

using roost::storage::Database;
using roost::storage::DatabaseError;
using roost::test::CommitCount;
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

namespace {

void insert(Database& db, int x) {
    auto transaction = db.transaction();
    db.exec("INSERT INTO t VALUES (" + std::to_string(x) + ")");
    transaction.commit();
}

}  // namespace

TEST_CASE("a batch commits its writes once; a write that fails inside it is undone alone") {
    TempDir dir;
    Database db(dir / "roost.db");
    db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)");
    {
        CommitCount count(db);
        insert(db, 1);
        insert(db, 2);
        CHECK(count.commits() == 2);
    }

    CommitCount count(db);
    {
        db.begin_batch();
        insert(db, 3);
        db.begin_batch();  // nested: still the one transaction
        insert(db, 4);
        db.end_batch();
        CHECK_THROWS(insert(db, 1));  // a duplicate key: this write alone goes
        {
            auto uncommitted = db.transaction();
            db.exec("INSERT INTO t VALUES (5)");
        }
        insert(db, 6);
        // Visible to the writer at once, to another connection only at the commit.
        CHECK(db.sqlite().execAndGet("SELECT count(*) FROM t").getInt() == 5);
        Database other(dir / "roost.db", Database::Mode::ReadOnly);
        CHECK(other.sqlite().execAndGet("SELECT count(*) FROM t").getInt() == 2);
        db.end_batch();
        CHECK(other.sqlite().execAndGet("SELECT count(*) FROM t").getInt() == 5);
    }
    CHECK(count.commits() == 1);
    CHECK(db.sqlite().execAndGet("SELECT group_concat(x) FROM t").getString() == "1,2,3,4,6");
    CHECK(sqlite3_get_autocommit(db.sqlite().getHandle()) == 1);
}

TEST_CASE("a batch not committed whole says so at its end: none of it is kept") {
    TempDir dir;
    Database db(dir / "roost.db");
    db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)");
    SUBCASE("its commit fails") {
        CommitCount count(db);
        count.refuse(1);
        db.begin_batch();
        insert(db, 1);
        insert(db, 2);
        CHECK_THROWS(db.end_batch());
        CHECK(count.commits() == 0);
        CHECK(db.sqlite().execAndGet("SELECT count(*) FROM t").getInt() == 0);
    }
    SUBCASE("SQLite undid it before its end") {
        db.begin_batch();
        insert(db, 1);
        db.exec("ROLLBACK");  // what SQLite does itself on some failed writes
        insert(db, 2);        // on its own, as if no batch were open
        CHECK_THROWS_WITH(db.end_batch(), doctest::Contains("undone"));
        CHECK(db.sqlite().execAndGet("SELECT group_concat(x) FROM t").getString() == "2");
    }
    CHECK(sqlite3_get_autocommit(db.sqlite().getHandle()) == 1);
}

TEST_CASE("the WAL is given back after a commit, not while a reader holds it") {
    TempDir dir;
    Database db(dir / "roost.db");
    int commits = 0;
    db.on_commit([&] { ++commits; });
    db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)");
    insert(db, 1);
    CHECK(commits == 2);
    auto wal = dir / "roost.db-wal";
    REQUIRE(std::filesystem::file_size(wal) > 0);

    Database reader(dir / "roost.db", Database::Mode::ReadOnly);
    reader.exec("BEGIN");
    CHECK(reader.sqlite().execAndGet("SELECT count(*) FROM t").getInt() == 1);
    auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(db.truncate_wal());  // at once, not after the busy timeout
    CHECK(std::chrono::steady_clock::now() - start < Database::kBusyTimeout / 10);
    reader.exec("COMMIT");

    CHECK(db.truncate_wal());
    CHECK(std::filesystem::file_size(wal) == 0);
    CHECK(db.sqlite().execAndGet("SELECT count(*) FROM t").getInt() == 1);
    db.on_commit(nullptr);
    insert(db, 2);
    CHECK(commits == 2);
}

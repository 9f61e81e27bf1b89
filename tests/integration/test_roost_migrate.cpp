// SPDX-License-Identifier: MIT
// roost-migrate as a user runs it: exit codes, messages, backups, locking.
#include "src/storage/Database.hpp"
#include "src/storage/DatabaseLock.hpp"
#include "src/storage/MigrationSet.hpp"
#include "tests/support/Run.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

using namespace roost::test;
namespace fs = std::filesystem;

namespace {

RunResult migrate(std::vector<std::string> args) {
    args.insert(args.begin(), (build_dir() / "src" / "cli" / "roost-migrate").string());
    return run(args);
}

// A private copy of the real migrations plus whatever a test adds.
fs::path copy_migrations(const TempDir& dir) {
    fs::path target = dir / "migrations";
    fs::create_directories(target);
    for (const auto& entry : fs::directory_iterator(source_dir() / "migrations"))
        if (entry.path().extension() == ".sql")
            fs::copy_file(entry.path(), target / entry.path().filename());
    return target;
}

const int kLatest = roost::storage::MigrationSet::embedded().latest_version();

// Writes the next numbered migration into `dir`; returns its label.
std::string add_migration(const fs::path& dir, const std::string& name, const std::string& up,
                          const std::string& down) {
    std::string label = roost::storage::migration_label(kLatest + 1, name);
    write_file(dir / (label + ".up.sql"), up);
    write_file(dir / (label + ".down.sql"), down);
    return label;
}

int count_backups(const TempDir& dir) {
    int n = 0;
    for (const auto& entry : fs::directory_iterator(dir.path()))
        n += entry.path().filename().string().starts_with("roost.db.backup-v");
    return n;
}

}  // namespace

TEST_CASE("status on a missing database reports version 0 and creates nothing") {
    TempDir dir;
    auto r = migrate({"--db", (dir / "roost.db").string(), "status"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("version:  0") != std::string::npos);
    CHECK(r.out.find("0001_initial") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "roost.db"));
}

TEST_CASE("upgrade, history, downgrade and check on a temporary database") {
    TempDir dir;
    std::string db = (dir / "roost.db").string();
    auto up = migrate({"--db", db, "upgrade"});
    REQUIRE(up.exit_code == 0);
    CHECK(up.out.find("applied  0001_initial") != std::string::npos);
    CHECK(count_backups(dir) == 0);  // nothing to back up in a new file

    auto history = migrate({"--db", db, "history"});
    CHECK(history.exit_code == 0);
    CHECK(history.out.find("0001_initial") != std::string::npos);

    CHECK(migrate({"--db", db, "check"}).exit_code == 0);
    CHECK(migrate({"--db", db, "upgrade"}).out.find("already at version") != std::string::npos);

    auto down = migrate({"--db", db, "downgrade", "--to", "0"});
    CHECK(down.exit_code == 0);
    CHECK(down.out.find("backup: ") != std::string::npos);
    CHECK(count_backups(dir) == 1);
    auto status = migrate({"--db", db, "status"});
    CHECK(status.out.find("version:  0") != std::string::npos);
}

TEST_CASE("upgrade backs up an existing database and says where") {
    TempDir dir;
    fs::path migrations = copy_migrations(dir);
    std::string db = (dir / "roost.db").string();
    REQUIRE(migrate({"--db", db, "--migrations-dir", migrations.string(), "upgrade"}).exit_code ==
            0);
    add_migration(migrations, "tags", "CREATE TABLE tags (name TEXT);", "DROP TABLE tags;");
    auto r = migrate({"--db", db, "--migrations-dir", migrations.string(), "upgrade"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("backup: " + db + ".backup-v" + std::to_string(kLatest) + "-") !=
          std::string::npos);
    CHECK(count_backups(dir) == 1);
}

TEST_CASE("dry-run prints the SQL and changes nothing") {
    TempDir dir;
    std::string db = (dir / "roost.db").string();
    auto r = migrate({"--db", db, "--dry-run", "upgrade"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("CREATE TABLE pubsub_items") != std::string::npos);
    CHECK_FALSE(fs::exists(db));
}

TEST_CASE("a broken migration fails with exit 1 and leaves the file as it was") {
    TempDir dir;
    fs::path migrations = copy_migrations(dir);
    std::string db = (dir / "roost.db").string();
    REQUIRE(migrate({"--db", db, "--migrations-dir", migrations.string(), "upgrade"}).exit_code ==
            0);
    std::string broken = add_migration(
        migrations, "broken", "CREATE TABLE half_done (x); ALTER TABLE missing ADD COLUMN y;",
        "DROP TABLE half_done;");
    {
        roost::storage::Database before(db);  // checkpoint, so the file holds everything
        before.sqlite().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    std::string bytes_before = read_file(db);
    auto r = migrate({"--db", db, "--migrations-dir", migrations.string(), "upgrade"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(broken + " up failed") != std::string::npos);
    CHECK(r.err.find("no such table: missing") != std::string::npos);
    {
        roost::storage::Database after(db);
        after.sqlite().exec("PRAGMA wal_checkpoint(TRUNCATE)");
        CHECK_FALSE(after.sqlite().tableExists("half_done"));
    }
    CHECK(read_file(db) == bytes_before);
}

TEST_CASE("a database newer than this roost-migrate is refused with exit 4") {
    TempDir dir;
    fs::path migrations = copy_migrations(dir);
    std::string db = (dir / "roost.db").string();
    add_migration(migrations, "future", "CREATE TABLE future (x);", "DROP TABLE future;");
    REQUIRE(migrate({"--db", db, "--migrations-dir", migrations.string(), "upgrade"}).exit_code ==
            0);
    auto r = migrate({"--db", db, "upgrade"});  // the built-in migrations stop before it
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("run a newer Roost") != std::string::npos);
    CHECK(migrate({"--db", db, "check"}).exit_code == 4);
}

TEST_CASE("an edited applied migration is refused with exit 4") {
    TempDir dir;
    fs::path migrations = copy_migrations(dir);
    std::string db = (dir / "roost.db").string();
    REQUIRE(migrate({"--db", db, "--migrations-dir", migrations.string(), "upgrade"}).exit_code ==
            0);
    write_file(migrations / "0001_initial.up.sql",
               read_file(migrations / "0001_initial.up.sql") + "\nCREATE TABLE sneaky (x);\n");
    auto r = migrate({"--db", db, "--migrations-dir", migrations.string(), "check"});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("restore 0001_initial.up.sql as it was") != std::string::npos);
    CHECK(migrate({"--db", db, "--migrations-dir", migrations.string(), "upgrade"}).exit_code == 4);
}

TEST_CASE("a database held by a running daemon is refused with exit 3") {
    TempDir dir;
    fs::path db = dir / "roost.db";
    roost::storage::DatabaseLock held(db);  // what roostd holds while it runs
    auto r = migrate({"--db", db.string(), "upgrade"});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("in use by a running roostd") != std::string::npos);
    CHECK_FALSE(fs::exists(db));
}

TEST_CASE("a corrupt database file is refused and left untouched") {
    TempDir dir;
    fs::path db = dir / "roost.db";
    std::string garbage = "this is not SQLite " + std::string(4096, '!');
    write_file(db, garbage);
    auto r = migrate({"--db", db.string(), "upgrade"});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("not a usable SQLite database") != std::string::npos);
    CHECK(read_file(db) == garbage);
}

TEST_CASE("new writes the next numbered pair of files") {
    TempDir dir;
    fs::path migrations = copy_migrations(dir);
    auto r = migrate({"--migrations-dir", migrations.string(), "new", "add_tags"});
    CHECK(r.exit_code == 0);
    std::string label = roost::storage::migration_label(kLatest + 1, "add_tags");
    CHECK(fs::exists(migrations / (label + ".up.sql")));
    CHECK(fs::exists(migrations / (label + ".down.sql")));
    CHECK(migrate({"--migrations-dir", migrations.string(), "new", "Bad-Name"}).exit_code == 2);
}

TEST_CASE("check finds a schema.sql that drifted from the migrations") {
    TempDir dir;
    fs::path schema = dir / "schema.sql";
    write_file(schema,
               read_file(source_dir() / "schema" / "schema.sql") + "CREATE TABLE extra (x);\n");
    auto r = migrate({"--db", (dir / "roost.db").string(), "check", "--schema", schema.string()});
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("differs from the result of all migrations") != std::string::npos);
}

TEST_CASE("bad usage exits 2") {
    CHECK(migrate({"frobnicate"}).exit_code == 2);
    CHECK(migrate({"downgrade"}).exit_code == 2);
}

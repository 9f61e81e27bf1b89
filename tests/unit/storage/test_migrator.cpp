// SPDX-License-Identifier: MIT
#include "src/storage/Migrator.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace roost::storage;
using roost::test::TempDir;

namespace {

Database memory_db() { return Database{std::string(Database::kInMemory)}; }

// All rows of all tables, to prove a failed migration changed nothing.
std::string dump(Database& db) {
    std::string out = normalized_schema(db);
    auto tables = db.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT IN (SELECT name FROM pragma_table_list WHERE type IN ('shadow', 'virtual'))"
        " ORDER BY name");
    while (tables.executeStep()) {
        std::string name = tables.getColumn(0).getString();
        auto rows = db.prepare("SELECT * FROM \"" + name + "\"");
        while (rows.executeStep()) {
            out += name + ":";
            for (int i = 0; i < rows.getColumnCount(); ++i)
                out += rows.getColumn(i).getString() + "|";
            out += "\n";
        }
    }
    return out;
}

const std::vector<MigrationFile> kThree = {
    {"0001_a.up.sql", "CREATE TABLE a (x INTEGER);"},
    {"0001_a.down.sql", "DROP TABLE a;"},
    {"0002_b.up.sql", "CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (42);"},
    {"0002_b.down.sql", "DROP TABLE b;"},
    {"0003_c.up.sql", "ALTER TABLE a ADD COLUMN z TEXT;"},
    {"0003_c.down.sql", "ALTER TABLE a DROP COLUMN z;"},
};

}  // namespace

TEST_CASE("all migrations applied to an empty database give schema/schema.sql") {
    auto migrations = MigrationSet::embedded();
    Database migrated = memory_db();
    Migrator migrator(migrated, migrations);
    migrator.run(migrator.plan_upgrade());

    Database declared = memory_db();
    declared.exec(roost::test::read_file(roost::test::source_dir() / "schema" / "schema.sql"));
    INFO("regenerate with: roost-migrate schema > schema/schema.sql");
    CHECK(normalized_schema(migrated) == normalized_schema(declared));
    CHECK(migrator.current_version() == migrations.latest_version());
}

TEST_CASE("every built-in migration goes up, down and up again to the same schema") {
    auto migrations = MigrationSet::embedded();
    Database db = memory_db();
    Migrator migrator(db, migrations);
    std::vector<std::string> schema_at{normalized_schema(db)};
    for (int v = 1; v <= migrations.latest_version(); ++v) {
        migrator.run(migrator.plan_upgrade(v));
        schema_at.push_back(normalized_schema(db));
    }
    for (int v = migrations.latest_version() - 1; v >= 0; --v) {
        migrator.run(migrator.plan_downgrade(v));
        CAPTURE(v);
        CHECK(normalized_schema(db) == schema_at[static_cast<std::size_t>(v)]);
        CHECK(migrator.current_version() == v);
    }
    migrator.run(migrator.plan_upgrade());
    CHECK(normalized_schema(db) == schema_at.back());
}

TEST_CASE("upgrade --to stops at the version asked for and records each step") {
    auto migrations = MigrationSet::from_files(kThree);
    Database db = memory_db();
    Migrator migrator(db, migrations);
    migrator.run(migrator.plan_upgrade(2));
    CHECK(migrator.current_version() == 2);
    auto applied = migrator.applied();
    REQUIRE(applied.size() == 2);
    CHECK(applied[1].name == "b");
    CHECK(applied[1].checksum == migrations.find(2)->checksum);
    CHECK(applied[1].applied_at_ms > 0);
    CHECK(migrator.plan_upgrade().size() == 1);
    CHECK_THROWS_AS(migrator.plan_upgrade(1), MigrationError);
    CHECK_THROWS_AS(migrator.plan_downgrade(3), MigrationError);
    CHECK_THROWS_AS(migrator.plan_upgrade(4), MigrationError);
}

TEST_CASE("a failing migration leaves the database exactly as it was") {
    std::vector<MigrationFile> files = kThree;
    files.push_back({"0004_broken.up.sql", "CREATE TABLE d (w INTEGER); INSERT INTO a VALUES (1); "
                                           "INSERT INTO no_such_table VALUES (1);"});
    files.push_back({"0004_broken.down.sql", "DROP TABLE d;"});
    auto migrations = MigrationSet::from_files(files);
    TempDir dir;
    Database db(dir / "roost.db");
    Migrator migrator(db, migrations);
    migrator.run(migrator.plan_upgrade(1));
    db.exec("INSERT INTO a VALUES (7)");
    std::string before = dump(db);

    // 2 and 3 would succeed; the failure of 4 must undo them too.
    CHECK_THROWS_WITH_AS(migrator.run(migrator.plan_upgrade()),
                         doctest::Contains("0004_broken up failed"), MigrationError);
    CHECK(dump(db) == before);
    CHECK(migrator.current_version() == 1);
    CHECK(db.sqlite().execAndGet("PRAGMA foreign_keys").getInt() == 1);
}

TEST_CASE("a database newer than the known migrations is refused") {
    Database db = memory_db();
    {
        auto migrations = MigrationSet::from_files(kThree);
        Migrator migrator(db, migrations);
        migrator.run(migrator.plan_upgrade());
    }
    auto older = MigrationSet::from_files(std::span(kThree).first(4));
    Migrator migrator(db, older);
    CHECK_THROWS_WITH_AS(migrator.plan_upgrade(),
                         doctest::Contains("at version 3 but this Roost knows migrations up to 2"),
                         MigrationRefused);
    CHECK_THROWS_AS(migrator.plan_downgrade(0), MigrationRefused);
}

TEST_CASE("an applied migration whose file changed is refused") {
    Database db = memory_db();
    {
        auto migrations = MigrationSet::from_files(kThree);
        Migrator migrator(db, migrations);
        migrator.run(migrator.plan_upgrade());
    }
    std::vector<MigrationFile> edited = kThree;
    edited[2].text = "CREATE TABLE b (y INTEGER, extra TEXT);";
    auto migrations = MigrationSet::from_files(edited);
    Migrator migrator(db, migrations);
    CHECK_THROWS_WITH_AS(migrator.verify(), doctest::Contains("0002_b"), MigrationRefused);
}

TEST_CASE("a database with tables but no migration history is not taken for Roost's") {
    Database db = memory_db();
    db.exec("CREATE TABLE foreign_app (x)");
    auto migrations = MigrationSet::from_files(kThree);
    Migrator migrator(db, migrations);
    CHECK_THROWS_WITH_AS(migrator.plan_upgrade(), doctest::Contains("not a Roost database"),
                         MigrationRefused);
}

TEST_CASE("the dry-run script shows every step in one transaction") {
    auto migrations = MigrationSet::from_files(kThree);
    Database db = memory_db();
    Migrator migrator(db, migrations);
    std::string script = Migrator::script(migrator.plan_upgrade());
    CHECK(script.starts_with("BEGIN IMMEDIATE;\n"));
    CHECK(script.find("-- 0002_b (up)\nCREATE TABLE b") != std::string::npos);
    CHECK(script.ends_with("COMMIT;\n"));
    CHECK(migrator.current_version() == 0);
}

TEST_CASE("the full-text index follows item inserts, updates and deletes") {
    auto migrations = MigrationSet::embedded();
    Database db = memory_db();
    Migrator migrator(db, migrations);
    migrator.run(migrator.plan_upgrade());
    db.exec("INSERT INTO profiles (id, name, jid, created_at) VALUES (1, 'p', 'a@b', 0);"
            "INSERT INTO pubsub_nodes (id, profile_id, service, node) VALUES (1, 1, 's', 'n');"
            "INSERT INTO pubsub_items (node_id, item_id, raw_xml, search_text, created, updated)"
            " VALUES (1, 'i1', '<entry><title>markup</title></entry>', 'roosting birds', 1, 1);");
    auto hits = [&](const std::string& query) {
        auto st =
            db.prepare("SELECT count(*) FROM pubsub_items_fts WHERE pubsub_items_fts MATCH ?");
        st.bind(1, query);
        st.executeStep();
        return st.getColumn(0).getInt();
    };
    CHECK(hits("birds") == 1);
    CHECK(hits("markup") == 0);  // the XML is not indexed, only the extracted text
    db.exec("UPDATE pubsub_items SET search_text = 'nesting owls'");
    CHECK(hits("birds") == 0);
    CHECK(hits("owls") == 1);
    db.exec("DELETE FROM pubsub_items");
    CHECK(hits("owls") == 0);
    db.exec("INSERT INTO pubsub_items_fts(pubsub_items_fts) VALUES ('integrity-check')");
}

TEST_CASE("0004_pubsub_item_position gives stored items the order their creation times had") {
    auto migrations = MigrationSet::embedded();
    Database db = memory_db();
    Migrator migrator(db, migrations);
    migrator.run(migrator.plan_upgrade(3));
    db.exec("INSERT INTO profiles (id, name, jid, created_at) VALUES (1, 'p', 'a@b', 0);"
            "INSERT INTO pubsub_nodes (id, profile_id, service, node) VALUES (1, 1, 's', 'n');"
            "INSERT INTO pubsub_items (node_id, item_id, raw_xml, created, updated) VALUES "
            "(1, 'new', '<item/>', 30, 30), (1, 'old', '<item/>', 10, 40);");
    migrator.run(migrator.plan_upgrade(4));
    auto order = db.prepare("SELECT item_id FROM pubsub_items ORDER BY position");
    std::vector<std::string> ids;
    while (order.executeStep()) ids.push_back(order.getColumn(0).getString());
    CHECK(ids == std::vector<std::string>{"old", "new"});
}

// SPDX-License-Identifier: MIT
#include "src/storage/MigrationSet.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace roost::storage;

TEST_CASE("migration files pair up by number, in order") {
    std::vector<MigrationFile> files = {
        {"0002_two.down.sql", "d2"},
        {"0001_one.up.sql", "u1"},
        {"0002_two.up.sql", "u2"},
        {"0001_one.down.sql", "d1"},
    };
    auto set = MigrationSet::from_files(files);
    REQUIRE(set.latest_version() == 2);
    CHECK(set.find(1)->label() == "0001_one");
    CHECK(set.find(2)->up_sql == "u2");
    CHECK(set.find(2)->down_sql == "d2");
    CHECK(set.find(1)->checksum == checksum_of("u1"));
    CHECK(set.find(3) == nullptr);
}

TEST_CASE("a gap in the numbering is refused") {
    std::vector<MigrationFile> files = {
        {"0001_one.up.sql", "u"},
        {"0001_one.down.sql", "d"},
        {"0003_three.up.sql", "u"},
        {"0003_three.down.sql", "d"},
    };
    CHECK_THROWS_WITH_AS(MigrationSet::from_files(files),
                         doctest::Contains("migration 2 is missing"), MigrationError);
}

TEST_CASE("a migration without its down file is refused") {
    std::vector<MigrationFile> files = {{"0001_one.up.sql", "u"}};
    CHECK_THROWS_WITH_AS(MigrationSet::from_files(files), doctest::Contains("needs both"),
                         MigrationError);
}

TEST_CASE("a badly named migration file is refused") {
    std::vector<MigrationFile> files = {{"1_one.up.sql", "u"}};
    CHECK_THROWS_AS(MigrationSet::from_files(files), MigrationError);
    std::vector<MigrationFile> upper = {{"0001_One.up.sql", "u"}};
    CHECK_THROWS_AS(MigrationSet::from_files(upper), MigrationError);
}

TEST_CASE("the checksum changes with any edit") {
    CHECK(checksum_of("CREATE TABLE t (x);") != checksum_of("CREATE TABLE t (x); "));
    CHECK(checksum_of("abc").size() == 16);
}

TEST_CASE("the built-in migrations form a whole set") {
    auto set = MigrationSet::embedded();
    CHECK(set.latest_version() >= 1);
    CHECK(set.find(1)->name == "initial");
}

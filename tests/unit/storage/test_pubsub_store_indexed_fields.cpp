// SPDX-License-Identifier: MIT
// Fields an analyser declares indexed: searches on them find what a scan of every item
// finds (declared before or after the items came, through edits and deletions), read
// the index, not every item, and bad declarations are refused.
#include "src/storage/SearchSql.hpp"
#include "src/storage/StatementCache.hpp"
#include "tests/support/PubsubStoreFixture.hpp"

#include <sqlite3.h>

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace roost::test::store;

namespace {

const std::vector<IndexedField> kDeclared{
    {"published", FieldIndexKind::DateTime},
    {"author.jid", FieldIndexKind::Value},
    {"likes", FieldIndexKind::Value},
    {"tags", FieldIndexKind::List},
};

// Values of every kind where the declared fields are: dates with offsets and none,
// numbers, lists of text, numbers, booleans, objects and nulls, and items without them.
std::vector<StoredItem> varied_items() {
    return {
        item("a", 1,
             {{"published", "2026-06-01T13:30:00+02:00"},
              {"author", {{"jid", "alice@example.org"}}},
              {"likes", 10},
              {"tags", {"xmpp", "c++"}}}),
        item("b", 2,
             {{"published", "2026-06-01T11:00:00-03:00"},
              {"author", {{"jid", "bob@example.org"}}},
              {"likes", 9.5},
              {"tags", {"birds", 7, true}}}),
        item("c", 3,
             {{"published", "2026-06-01T12:00:00.500Z"},
              {"author", {{"jid", "alice@example.org"}}},
              {"likes", "many"},
              {"tags", {"xmpp", nullptr, json::object({{"x", 1}})}}}),
        item("d", 4, {{"published", "2026-06-01"}, {"likes", 1}, {"tags", json::array()}}),
        item("e", 5, {{"published", "tomorrow"}, {"author", "carol"}, {"likes", true}}),
        item("f", 6, {{"published", 1780315300}, {"author", {{"jid", 42}}}, {"tags", {1}}}),
        item("g", 7, {{"published", "2026-06-01T12:00:00Z"}, {"tags", {"birds", "birds"}}}),
        item("h", 8, nullptr),
    };
}

const char* kQueries[] = {
    R"(published > "2026-06-01T12:00:00Z")",
    R"(published >= "2026-06-01T12:00:00Z")",
    R"(published == "2026-06-01T14:00:00+02:00")",
    R"(published != "2026-06-01T12:00:00Z")",
    R"(published < "9999-01-01T00:00:00Z")",
    R"(published == "2026-06-01")",
    R"(published == "tomorrow")",
    R"(published > 1780315200)",
    R"(published contains "2026-06")",
    R"(author.jid == "alice@example.org")",
    R"(author.jid != "alice@example.org")",
    R"(author.jid > "b")",
    R"(author.jid in ["bob@example.org", 42])",
    R"(author.jid == 42)",
    R"(likes >= 9.5)",
    R"(likes < 10)",
    R"(likes == 1)",
    R"(likes == true)",
    R"(likes == "many")",
    R"(likes in [1, 10, "many"])",
    R"(tags contains "xmpp")",
    R"(tags contains "birds")",
    R"(tags contains 7)",
    R"(tags contains 1)",
    R"(tags contains "c++" and likes > 5)",
    R"(author.jid == "alice@example.org" and published > "2026-06-01T11:00:00Z")",
    R"(order by published desc)",
    R"(order by published)",
    R"(published > "2000-01-01T00:00:00Z" order by published desc)",
    R"(order by likes desc)",
    R"(tags contains "birds" order by updated desc)",
    R"(tags contains "xmpp" and tags contains "c++" order by updated)",
    R"(tags contains 7 and author.jid == "bob@example.org" order by updated desc)",
};

Ids found(Cache& cache, const std::string& text) {
    auto parsed = cache.store.parse_search(text);
    REQUIRE_MESSAGE(parsed.ok(), text);
    SearchQuery query = *parsed.query;
    query.scope = ProfileScope::only("alice");
    if (text.find("order by") == std::string::npos) query.order = {"created", false};
    auto result = cache.store.search(query);
    REQUIRE_MESSAGE(result.ok(), text);
    Ids ids;
    for (const auto& hit : result.hits) ids.push_back(hit.item.id);
    return ids;
}

void check_same_answers(Cache& scanned, Cache& indexed) {
    for (const char* text : kQueries) {
        CAPTURE(text);
        CHECK(found(indexed, text) == found(scanned, text));
    }
}

std::string plan_of(Cache& cache, const std::string& text) {
    auto parsed = cache.store.parse_search(text);
    REQUIRE(parsed.ok());
    SearchQuery query = *parsed.query;
    query.scope = ProfileScope::only("alice");
    query.limit = 20;
    auto sql = roost::storage::search_sql(query, roost::storage::FieldIndexes::load(cache.db));
    REQUIRE(std::holds_alternative<roost::storage::BoundSql>(sql));
    const auto& bound = std::get<roost::storage::BoundSql>(sql);
    roost::storage::StatementCache statements(cache.db);
    std::string plan;
    auto explain = statements.statement({"EXPLAIN QUERY PLAN " + bound.sql, bound.params});
    while (explain->executeStep()) plan += explain->getColumn(3).getString() + "\n";
    return plan;
}

}  // namespace

TEST_CASE("declared fields find what a scan finds, declared before or after the items") {
    Cache scanned;
    Cache before;
    Cache after;
    before.store.index_fields(kDeclared);
    for (Cache* cache : {&scanned, &before, &after})
        cache->store.upsert_items(kBlog, varied_items());
    after.store.index_fields(kDeclared);
    check_same_answers(scanned, before);
    check_same_answers(scanned, after);

    SUBCASE("through edits and deletions") {
        std::vector<StoredItem> edits{
            item("a", 1, {{"published", "2020-01-01T00:00:00Z"}, {"tags", {"birds"}}}),
            item("g", 7, nullptr),
            item("i", 9, {{"author", {{"jid", "alice@example.org"}}}, {"tags", {"xmpp"}}}),
        };
        const std::vector<std::string> gone{"b"};
        for (Cache* cache : {&scanned, &before, &after}) {
            cache->store.upsert_items(kBlog, edits);
            cache->store.delete_items(kBlog, gone);
        }
        check_same_answers(scanned, before);
        check_same_answers(scanned, after);
        CHECK(found(before, R"(tags contains "birds")") == Ids{"a"});
        // What the store wrote from its JSON is what the triggers read from the text.
        const char* terms = "SELECT group_concat(field_id || ':' || quote(term) || ':' || "
                            "item_id, ' ') FROM (SELECT * FROM pubsub_item_terms ORDER BY 1, 2, 4)";
        CHECK(before.db.sqlite().execAndGet(terms).getString() ==
              after.db.sqlite().execAndGet(terms).getString());
        // The members of deleted and edited items went with them.
        CHECK(before.count("SELECT count(*) FROM pubsub_item_terms t LEFT JOIN pubsub_items i "
                           "ON i.id = t.item_id WHERE i.id IS NULL") == 0);
        before.store.purge_items(kBlog);
        CHECK(before.count("SELECT count(*) FROM pubsub_item_terms") == 0);
        after.store.drop_node(kBlog);
        CHECK(after.count("SELECT count(*) FROM pubsub_item_terms") == 0);
    }
}

TEST_CASE("a declared list's contains finds members only, not text within a string") {
    Cache scanned;
    Cache indexed;
    indexed.store.index_fields(kDeclared);
    const std::vector<StoredItem> items{item("s", 1, {{"tags", "xmpp and more"}})};
    for (Cache* cache : {&scanned, &indexed}) cache->store.upsert_items(kBlog, items);
    CHECK(found(scanned, R"(tags contains "xmpp")") == Ids{"s"});
    CHECK(found(indexed, R"(tags contains "xmpp")").empty());
}

TEST_CASE("searches on declared fields read their indexes, not every item") {
    Cache cache;
    cache.store.index_fields(kDeclared);
    cache.store.upsert_items(kBlog, varied_items());
    for (const char* text :
         {R"(published > "2026-06-01T12:00:00Z")", R"(author.jid == "alice@example.org")",
          R"(likes >= 9.5)", R"(author.jid in ["bob@example.org"])"}) {
        auto plan = plan_of(cache, text);
        CAPTURE(text);
        CAPTURE(plan);
        CHECK(plan.find("SEARCH i USING INDEX pubsub_items_field_") != std::string::npos);
    }
    // A list's members, kept in update order, lead a search in that order.
    auto tags = plan_of(cache, R"(tags contains "xmpp")");
    CAPTURE(tags);
    CHECK(tags.find("SEARCH t USING PRIMARY KEY (field_id=? AND term=?)") != std::string::npos);
    CHECK(tags.find("TEMP B-TREE") == std::string::npos);
    CHECK(tags.find("SCAN i") == std::string::npos);
    // Ordered by the index itself: the first 20 are read, not sorted out of all (only
    // equal instants are, by their text). A value's index holds an equality's items in
    // update order, searches' default.
    auto ordered = plan_of(cache, "order by published desc");
    CAPTURE(ordered);
    CHECK(ordered.find("SCAN i USING INDEX pubsub_items_field_") != std::string::npos);
    CHECK(ordered.find("TEMP B-TREE FOR ORDER BY") == std::string::npos);
    auto by_author = plan_of(cache, R"(author.jid == "alice@example.org")");
    CAPTURE(by_author);
    CHECK(by_author.find("SEARCH i USING INDEX pubsub_items_field_") != std::string::npos);
    CHECK(by_author.find("TEMP B-TREE") == std::string::npos);
    // An undeclared field still works, by reading every item; so does a date field
    // compared as text, which its index (instants) does not hold: nothing steers then.
    CHECK(plan_of(cache, R"(author.name == "x")").find("pubsub_items_field_") == std::string::npos);
    auto as_text = cache.store.parse_search(R"(published == "tomorrow")");
    REQUIRE(as_text.ok());
    as_text.query->scope = ProfileScope::only("alice");
    auto sql =
        roost::storage::search_sql(*as_text.query, roost::storage::FieldIndexes::load(cache.db));
    REQUIRE(std::holds_alternative<roost::storage::BoundSql>(sql));
    CHECK(std::get<roost::storage::BoundSql>(sql).sql.find("+i.") == std::string::npos);
}

TEST_CASE("an edit or a deletion reads only the item's own list members, however many") {
    // SQLite's count of virtual machine steps for one statement, its triggers included:
    // exact, unlike a time. 0009's triggers looked members up by the field alone, so each
    // edit or deletion read every member of the field.
    auto steps = [](Cache& cache, const std::string& sql) {
        sqlite3_stmt* statement = nullptr;
        REQUIRE(sqlite3_prepare_v2(cache.db.sqlite().getHandle(), sql.c_str(), -1, &statement,
                                   nullptr) == SQLITE_OK);
        CHECK(sqlite3_step(statement) == SQLITE_DONE);
        int count = sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_VM_STEP, 0);
        sqlite3_finalize(statement);
        return count;
    };
    auto tagged = [](const std::string& id, int n) {
        return item(id, n, {{"tags", {"birds", "xmpp"}}, {"n", n}});
    };
    auto costs = [&](int others) {
        Cache cache;
        cache.store.index_fields(kDeclared);
        std::vector<StoredItem> items;
        for (int n = 0; n < others; ++n) items.push_back(tagged("other-" + std::to_string(n), n));
        items.push_back(tagged("x", others));
        cache.store.upsert_items(kBlog, items);
        std::string x =
            std::to_string(cache.count("SELECT id FROM pubsub_items WHERE item_id = 'x'"));
        int edit = steps(cache, "UPDATE pubsub_items SET parsed = json_set(parsed, '$.n', -1) "
                                "WHERE id = " +
                                    x);
        int removal = steps(cache, "DELETE FROM pubsub_items WHERE id = " + x);
        CHECK(cache.count("SELECT count(*) FROM pubsub_item_terms") == 2 * others);
        return std::pair{edit, removal};
    };
    auto few = costs(10);
    auto many = costs(2000);
    CHECK(many.first == few.first);
    CHECK(many.second == few.second);
}

TEST_CASE("declaring fields: once is enough, they outlive the store, bad ones are refused") {
    Cache cache;
    cache.store.index_fields(kDeclared);
    cache.store.index_fields(kDeclared);
    CHECK(cache.count("SELECT count(*) FROM pubsub_indexed_fields") == 4);
    CHECK(cache.count("SELECT count(*) FROM sqlite_schema WHERE name LIKE "
                      "'pubsub_items_field_%'") == 3);
    {
        roost::storage::SqlitePubsubStore reopened(cache.db);
        reopened.upsert_items(kBlog, varied_items());
        auto plan = plan_of(cache, R"(author.jid == "x")");
        CHECK(plan.find("pubsub_items_field_") != std::string::npos);
    }
    const std::vector<IndexedField> bad{{"author..jid", FieldIndexKind::Value}};
    CHECK_THROWS_WITH_AS(cache.store.index_fields(bad),
                         doctest::Contains("cannot index 'author..jid'"), std::invalid_argument);
    std::vector<IndexedField> many;
    for (int i = 0; i < kMaxIndexedFields; ++i)
        many.push_back({"f" + std::to_string(i), FieldIndexKind::Value});
    CHECK_THROWS_WITH_AS(cache.store.index_fields(many), doctest::Contains("32 fields"),
                         std::invalid_argument);
    CHECK(cache.count("SELECT count(*) FROM pubsub_indexed_fields") == kMaxIndexedFields);
}

TEST_CASE("migrating below 0009 drops the indexes made for declared fields") {
    Cache cache;
    cache.store.index_fields(kDeclared);
    auto migrations = MigrationSet::embedded();
    Migrator migrator(cache.db, migrations);
    migrator.run(migrator.plan_downgrade(8));
    CHECK(cache.count("SELECT count(*) FROM sqlite_schema WHERE name LIKE "
                      "'pubsub_items_field_%' OR name LIKE 'pubsub_item_terms%'") == 0);
}

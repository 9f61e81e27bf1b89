// SPDX-License-Identifier: MIT
// Merged reads over many nodes (what streams show): item times, the newest-first order
// across nodes, keyset pages that neither skip nor repeat, and the same answers whichever
// way the store takes (along the global time index or node by node). And stream rules.
#include "src/storage/SqliteStreamStore.hpp"
#include "tests/support/PubsubStoreFixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

using namespace roost::test::store;

namespace {

NodeKey blog_of(int n) { return {"alice", "user" + std::to_string(n) + "@example", kBlog.node}; }

StoredItem timed(const std::string& id, std::int64_t created, std::int64_t own_time) {
    StoredItem stored = item(id, created);
    stored.time = own_time;
    return stored;
}

MergedQuery merged(std::vector<NodeKey> nodes, int limit,
                   std::optional<MergedCursor> after = std::nullopt) {
    MergedQuery query;
    query.profile = "alice";
    query.nodes = std::move(nodes);
    query.limit = limit;
    query.after = after;
    return query;
}

// Every page of `query` until the last; fails on a page that repeats or skips.
std::vector<std::string> all_pages(SqlitePubsubStore& store, MergedQuery query) {
    std::vector<std::string> seen;
    for (int pages = 0; pages < 10000; ++pages) {
        auto page = store.merged_items(query);
        for (const auto& merged : page.items) seen.push_back(merged.node.service + "/" + merged.id);
        if (!page.more) return seen;
        REQUIRE_FALSE(page.items.empty());
        query.after = page.items.back().cursor;
    }
    FAIL("no last page");
    return seen;
}

}  // namespace

TEST_CASE("an item's time is its own when its analyser gives one, else its first store's") {
    Cache cache;
    cache.store.upsert_items(kBlog, std::vector{timed("own", 1000, 42), item("none", 2000)});
    CHECK(cache.count("SELECT item_time FROM pubsub_items WHERE item_id = 'own'") == 42);
    CHECK(cache.count("SELECT item_time FROM pubsub_items WHERE item_id = 'none'") == 2000);
    auto edited = item("none", 9000);  // changed, still without a time of its own
    edited.xml = "<item id='none'><entry>edited</entry></item>";
    auto redated = timed("own", 9000, 77);  // a post whose date was edited
    redated.xml = "<item id='own'><entry>redated</entry></item>";
    cache.store.upsert_items(kBlog, std::vector{edited, redated});
    CHECK(cache.count("SELECT item_time FROM pubsub_items WHERE item_id = 'none'") == 2000);
    CHECK(cache.count("SELECT item_time FROM pubsub_items WHERE item_id = 'own'") == 77);
}

TEST_CASE("merged items come newest first across nodes, with their node, XML and JSON") {
    Cache cache;
    cache.store.upsert_items(blog_of(1), std::vector{timed("a", 1, 100), timed("c", 2, 300)});
    auto with_json = timed("b", 3, 200);
    with_json.parsed = {{"title", "b"}};
    cache.store.upsert_items(blog_of(2), std::vector{with_json});
    cache.store.upsert_items({"bob", "user1@example", kBlog.node}, std::vector{timed("x", 1, 999)});
    auto page = cache.store.merged_items(merged({blog_of(1), blog_of(2), blog_of(3)}, 2));
    REQUIRE(page.items.size() == 2);
    CHECK(page.more);
    CHECK(page.items[0].id == "c");
    CHECK(page.items[0].node.service == "user1@example");
    CHECK(page.items[0].time == 300);
    CHECK(page.items[1].id == "b");
    CHECK(page.items[1].parsed["title"] == "b");
    CHECK(page.items[1].xml == with_json.xml);
    auto rest =
        cache.store.merged_items(merged({blog_of(1), blog_of(2)}, 2, page.items.back().cursor));
    REQUIRE(rest.items.size() == 1);
    CHECK(rest.items[0].id == "a");
    CHECK_FALSE(rest.more);
    CHECK(cache.store.merged_items(merged({blog_of(9)}, 5)).items.empty());

    auto only = merged({blog_of(1), blog_of(2)}, 5);
    only.ids = {"a", "b"};
    auto filtered = cache.store.merged_items(only);
    REQUIRE(filtered.items.size() == 2);
    CHECK(filtered.items[0].id == "b");
    CHECK(filtered.items[1].id == "a");
}

TEST_CASE("a wide and a narrow stream page the same way: every item once, in time order") {
    Cache cache;
    // 40 nodes of 30 items; times collide across nodes so that ties need the row order.
    for (int n = 0; n < 40; ++n) {
        std::vector<StoredItem> items;
        for (int i = 0; i < 30; ++i) {
            std::int64_t time = (i * 7 + n * 3) % 50;
            items.push_back(timed("n" + std::to_string(n) + "i" + std::to_string(i), 1, time));
        }
        cache.store.upsert_items(blog_of(n), items);
    }
    // The truth straight from SQL, with the row id as the tie-breaker.
    auto order = [&](const std::vector<NodeKey>& nodes) {
        std::string in;
        for (const auto& key : nodes) in += (in.empty() ? "'" : ",'") + key.service + "'";
        SQLite::Statement statement(cache.db.sqlite(),
                                    "SELECT n.service || '/' || i.item_id FROM pubsub_items i "
                                    "JOIN pubsub_nodes n ON n.id = i.node_id WHERE n.service IN (" +
                                        in + ") ORDER BY i.item_time DESC, i.id DESC");
        std::vector<std::string> ids;
        while (statement.executeStep()) ids.push_back(statement.getColumn(0).getString());
        return ids;
    };
    std::vector<NodeKey> wide, narrow = {blog_of(5), blog_of(17)};
    for (int n = 0; n < 40; ++n) wide.push_back(blog_of(n));
    for (int limit : {1, 7, 20}) {
        CAPTURE(limit);
        CHECK(all_pages(cache.store, merged(wide, limit)) == order(wide));
        CHECK(all_pages(cache.store, merged(narrow, limit)) == order(narrow));
    }
}

TEST_CASE("a node dropped and cached again is read anew, as is a node cached after a read") {
    Cache cache;
    cache.store.upsert_items(blog_of(1), std::vector{timed("old", 1, 100)});
    CHECK(cache.store.merged_items(merged({blog_of(1), blog_of(2)}, 5)).items.size() == 1);
    cache.store.drop_node(blog_of(1));
    CHECK(cache.store.merged_items(merged({blog_of(1), blog_of(2)}, 5)).items.empty());
    cache.store.upsert_items(blog_of(1), std::vector{timed("new", 1, 200)});
    cache.store.upsert_items(blog_of(2), std::vector{timed("two", 1, 300)});
    auto page = cache.store.merged_items(merged({blog_of(1), blog_of(2)}, 5));
    REQUIRE(page.items.size() == 2);
    CHECK(page.items[0].id == "two");
    CHECK(page.items[1].id == "new");
    cache.store.reset();
    CHECK(cache.store.merged_items(merged({blog_of(1), blog_of(2)}, 5)).items.empty());
}

TEST_CASE("words filter merged items as full-text search does") {
    Cache cache;
    cache.store.upsert_items(blog_of(1), std::vector{item("a", 1, nullptr, "hello brave world"),
                                                     item("b", 2, nullptr, "goodbye world")});
    cache.store.upsert_items(blog_of(2), std::vector{item("c", 3, nullptr, "brave new world")});
    auto query = merged({blog_of(1), blog_of(2)}, 10);
    query.text = "brave world";
    auto page = cache.store.merged_items(query);
    REQUIRE(page.items.size() == 2);
    CHECK(page.items[0].id == "c");
    CHECK(page.items[1].id == "a");
}

TEST_CASE("stream rules are kept per profile, replaced by name, listed by name") {
    Cache cache;
    roost::storage::SqliteStreamStore streams(cache.db);
    CHECK_FALSE(streams.define("alice", "news", {{"feeds", json::array({"a"})}}));
    CHECK(streams.define("alice", "news", {{"feeds", json::array({"b"})}}));
    CHECK_FALSE(streams.define("alice", "friends", json::object()));
    CHECK_FALSE(streams.define("bob", "news", json::object()));
    auto listed = streams.list("alice");
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].name == "friends");
    CHECK(listed[1].rule["feeds"][0] == "b");
    CHECK(listed[1].defined_at > 0);
    CHECK(streams.get("alice", "news")->rule["feeds"][0] == "b");
    CHECK_FALSE(streams.get("alice", "nothing"));
    CHECK(streams.remove("alice", "news"));
    CHECK_FALSE(streams.remove("alice", "news"));
    CHECK_FALSE(streams.remove("nobody", "news"));
    CHECK(streams.list("bob").size() == 1);
}

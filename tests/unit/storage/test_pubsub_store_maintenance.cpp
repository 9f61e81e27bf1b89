// SPDX-License-Identifier: MIT
// The pubsub store's maintenance: listing nodes, profiles kept apart, purge, reset
// and stats.
#include "tests/support/PubsubStoreFixture.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace roost::test::store;

TEST_CASE("listing nodes filters by service, type and sync state") {
    Cache cache;
    NodeKey other{"alice", "pubsub.other", "news"};
    cache.store.set_node(kBlog, "microblog", "blog", "");
    cache.store.set_node(other, "news", "news", "");
    cache.store.set_sync_state(other, SyncState::Completed);
    CHECK(cache.store.list_nodes(nodes_of("alice")).size() == 2);
    auto blogs = nodes_of("alice");
    blogs.type = "blog";
    CHECK(cache.store.list_nodes(blogs).at(0).key.node == kBlog.node);
    auto completed = nodes_of("alice");
    completed.sync_state = SyncState::Completed;
    CHECK(cache.store.list_nodes(completed).at(0).key.service == "pubsub.other");
    CHECK(cache.store.list_nodes(nodes_of("bob")).empty());
}

TEST_CASE("two profiles caching the same node never see each other's data") {
    Cache cache;
    NodeKey bobs{"bob", kBlog.service, kBlog.node};
    cache.store.upsert_items(kBlog, std::vector{item("a", 1, json{{"t", "x"}}, "shared words")});
    cache.store.upsert_items(bobs, std::vector{item("b", 2, json{{"t", "x"}}, "shared words")});
    cache.store.set_sync_state(kBlog, SyncState::Completed);

    CHECK(cache.store.item_ids(kBlog) == Ids{"a"});
    CHECK(cache.store.item_ids(bobs) == Ids{"b"});
    CHECK(ids_of(cache.store.get_items(bobs, {})) == Ids{"b"});
    CHECK_FALSE(cache.store.node_state(bobs)->sync_state);
    CHECK(cache.store.stats(ProfileScope::only("bob")).total.items == 1);
    auto found = cache.store.search(in(ProfileScope::only("bob"), "shared"));
    REQUIRE(found.hits.size() == 1);
    CHECK(found.hits[0].key.profile == "bob");
    CHECK(cache.store.search(in(ProfileScope::all(), "shared")).hits.size() == 2);

    std::vector<std::string> a{"a"};
    CHECK(cache.store.delete_items(bobs, a) == 0);
    CHECK(cache.store.trim_to_max_items(bobs, 0) == 1);
    CHECK(cache.store.purge(purge_in(ProfileScope::only("bob"))).items == 0);
    CHECK(cache.store.drop_node(bobs));
    CHECK(cache.store.item_ids(kBlog) == Ids{"a"});
}

TEST_CASE("purge filters by age, service, node, type and profile") {
    Cache cache;
    NodeKey news{"alice", "pubsub.other", "news"};
    NodeKey bobs{"bob", kBlog.service, kBlog.node};
    for (const auto& key : {kBlog, news, bobs}) {
        cache.store.upsert_items(key, numbered(4));
        cache.store.set_sync_state(key, SyncState::Completed);
    }
    cache.store.set_node(news, "news", "news", "");

    SUBCASE("by age: only older items go, and the node is no longer complete") {
        auto old = purge_in(ProfileScope::only("alice"));
        old.node = kBlog.node;
        old.updated_before = 1002;
        auto result = cache.store.purge(old);
        CHECK(result.items == 2);
        CHECK(result.nodes == 1);
        CHECK(cache.store.item_ids(kBlog) == Ids{"i2", "i3"});
        CHECK_FALSE(cache.store.node_state(kBlog)->sync_state);
        CHECK(cache.store.node_state(kBlog)->sync_reason == "purged");
        CHECK(cache.store.node_state(news)->sync_state == SyncState::Completed);
    }
    SUBCASE("by service") {
        auto other = purge_in(ProfileScope::all());
        other.service = "pubsub.other";
        CHECK(cache.store.purge(other).items == 4);
        CHECK(cache.store.item_ids(news).empty());
        CHECK(cache.store.item_ids(kBlog).size() == 4);
    }
    SUBCASE("by type") {
        auto typed = purge_in(ProfileScope::only("alice"));
        typed.type = "news";
        CHECK(cache.store.purge(typed).items == 4);
        CHECK(cache.store.item_ids(news).empty());
    }
    SUBCASE("by profile") {
        CHECK(cache.store.purge(purge_in(ProfileScope::only("alice"))).items == 8);
        CHECK(cache.store.item_ids(bobs).size() == 4);
    }
    SUBCASE("all profiles only when asked for") {
        CHECK_THROWS_AS(cache.store.purge({}), std::invalid_argument);
        CHECK(cache.store.purge(purge_in(ProfileScope::all())).items == 12);
    }
}

TEST_CASE("reset drops every node and item") {
    Cache cache;
    cache.store.upsert_items(kBlog, std::vector{item("a", 1, json{{"t", 1}}, "words")});
    cache.store.upsert_items({"bob", "s", "n"}, numbered(3));
    cache.store.reset();
    CHECK(cache.count("SELECT count(*) FROM pubsub_nodes") == 0);
    CHECK(cache.count("SELECT count(*) FROM pubsub_items") == 0);
    CHECK(cache.store.stats(ProfileScope::all()).total.nodes == 0);
    CHECK(cache.store.search(in(ProfileScope::all(), "words")).hits.empty());
}

TEST_CASE("stats count nodes, items and bytes, by type and by sync state") {
    Cache cache;
    NodeKey news{"alice", "pubsub.other", "news"};
    auto blog_items = numbered(3);
    blog_items[0].parsed = json{{"title", "é"}};
    blog_items[0].search_text = "é";
    cache.store.upsert_items(kBlog, blog_items);
    cache.store.set_node(kBlog, "microblog", "blog", "");
    cache.store.set_sync_state(kBlog, SyncState::Completed);
    cache.store.set_node(news, "news", "news", "");
    cache.store.upsert_items({"bob", "s", "n"}, numbered(1));

    std::int64_t bytes = 0;
    for (const auto& i : blog_items) bytes += static_cast<std::int64_t>(i.xml.size());
    bytes +=
        static_cast<std::int64_t>(blog_items[0].parsed.dump().size() + std::string("é").size());

    auto stats = cache.store.stats(ProfileScope::only("alice"));
    CHECK(stats.total.nodes == 2);
    CHECK(stats.total.items == 3);
    CHECK(stats.total.bytes == bytes);
    CHECK(stats.by_type["blog"].items == 3);
    CHECK(stats.by_type["news"].nodes == 1);
    CHECK(stats.by_type["news"].items == 0);
    CHECK(stats.by_sync_state["completed"].nodes == 1);
    CHECK(stats.by_sync_state["none"].nodes == 1);
    CHECK(cache.store.stats(ProfileScope::all()).total.nodes == 3);
    CHECK_THROWS_AS(cache.store.stats({}), std::invalid_argument);
}

TEST_CASE("each node's tallies stay what a scan of its items finds, whatever changes them") {
    Cache cache;
    // The nodes whose kept count or bytes differ from their items' (stats read the former).
    auto drifted = [&] {
        return cache.count(
            "SELECT count(*) FROM pubsub_nodes n WHERE item_count != (SELECT count(*) FROM "
            "pubsub_items i WHERE i.node_id = n.id) OR item_bytes != (SELECT coalesce(sum("
            "length(CAST(raw_xml AS BLOB)) + coalesce(length(CAST(parsed AS BLOB)), 0) + "
            "coalesce(length(CAST(search_text AS BLOB)), 0)), 0) FROM pubsub_items i "
            "WHERE i.node_id = n.id)");
    };
    NodeKey other{"alice", "pubsub.other", "other"};
    auto items = numbered(6);
    items[1].parsed = json{{"title", "naïve"}};
    items[1].search_text = "naïve café";
    cache.store.upsert_items(kBlog, items);
    cache.store.upsert_items(other, numbered(2));
    CHECK(drifted() == 0);
    auto edited = items[1];
    edited.xml = "<item id='i1'><entry>longer, edited: ✓</entry></item>";
    edited.parsed = nullptr;
    edited.search_text = "";
    auto longer = items[2];
    longer.search_text = "more words than before";
    cache.store.upsert_items(kBlog, std::vector{edited, longer, items[3]});
    CHECK(drifted() == 0);
    cache.store.move_to_end(kBlog, std::vector<std::string>{"i0"});
    cache.store.set_server_order(kBlog, std::vector<std::string>{"i5", "i4", "i3", "i2", "i1"});
    cache.store.delete_items(kBlog, std::vector<std::string>{"i4"});
    cache.store.trim_to_max_items(kBlog, 3);
    CHECK(drifted() == 0);
    CHECK(cache.store.stats(ProfileScope::only("alice")).total.items == 5);
    cache.store.purge_items(kBlog);
    CHECK(drifted() == 0);
    CHECK(cache.count("SELECT item_bytes FROM pubsub_nodes WHERE node = 'other'") > 0);
    auto stats = cache.store.stats(ProfileScope::only("alice"));
    CHECK(stats.total.items == 2);
    CHECK(stats.total.bytes ==
          cache.count("SELECT sum(length(raw_xml)) FROM pubsub_items"));  // ASCII, no parse
}

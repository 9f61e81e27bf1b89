// SPDX-License-Identifier: MIT
// The pubsub store's items: idempotent upserts, reads of the stored XML, XEP-0059
// paging, max_items, ids, the server's order, trimming and deletion, node state.
#include "tests/support/PubsubStoreFixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

using namespace roost::test::store;

TEST_CASE("storing the same item again changes nothing, not even its update time") {
    Cache cache;
    auto items = numbered(3);
    auto first = cache.store.upsert_items(kBlog, items).changed;
    std::sort(first.begin(), first.end());
    CHECK(first == std::vector<std::string>{"i0", "i1", "i2"});
    auto again = cache.store.upsert_items(kBlog, items);
    CHECK(again.changed.empty());
    CHECK(again.unchanged == 3);
    CHECK(cache.count("SELECT count(*) FROM pubsub_items") == 3);
    CHECK(cache.count("SELECT sum(updated) FROM pubsub_items") == 1000 + 1001 + 1002);
}

TEST_CASE("a changed item keeps its creation time and gets a new update time") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(2));
    auto changed = item("i0", 5000);  // a server resending it with another date
    changed.xml = "<item id='i0'><entry>edited</entry></item>";
    CHECK(cache.store.upsert_items(kBlog, std::vector{changed, item("i1", 1001)}).changed ==
          std::vector<std::string>{"i0"});
    CHECK(cache.count("SELECT created FROM pubsub_items WHERE item_id = 'i0'") == 1000);
    CHECK(cache.count("SELECT updated FROM pubsub_items WHERE item_id = 'i0'") > 1000000);
    auto read = cache.store.get_items(kBlog, with_ids({"i0"}));
    REQUIRE(read.page.items.size() == 1);
    CHECK(read.page.items[0].xml == changed.xml);
    CHECK(read.page.from_cache);
}

TEST_CASE("a read returns the stored XML and publisher as they were") {
    Cache cache;
    auto stored = item("x", 1, json{{"title", "t"}});
    stored.xml = "<item id='x'><raw  spacing='kept'/>&amp;</item>";
    cache.store.upsert_items(kBlog, std::vector{stored});
    auto read = cache.store.get_items(kBlog, {});
    REQUIRE(read.page.items.size() == 1);
    CHECK(read.page.items[0].xml == stored.xml);
    CHECK(read.page.items[0].publisher == "alice@example");
    CHECK_FALSE(read.page.rsm);
}

TEST_CASE("pages after and before an item of a large node have the index counting gives") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(3000));  // places across three runs of 1,024
    // The node newest first, as a read of every item gives it: where each item stands.
    auto check_every = [&](int step) {
        // Each run's kept count is what its items are (migration 0008).
        CHECK(cache.count("SELECT count(*) FROM pubsub_position_buckets b WHERE items != "
                          "(SELECT count(*) FROM pubsub_items i WHERE i.node_id = b.node_id "
                          "AND i.position / 1024 = b.bucket)") == 0);
        CHECK(cache.count("SELECT count(*) FROM pubsub_items i WHERE NOT EXISTS (SELECT 1 FROM "
                          "pubsub_position_buckets b WHERE b.node_id = i.node_id AND b.bucket "
                          "= i.position / 1024)") == 0);
        auto all = ids_of(cache.store.get_items(kBlog, {}));
        REQUIRE(all.size() > 10);
        for (std::size_t at = 0; at < all.size(); at += static_cast<std::size_t>(step)) {
            CAPTURE(all[at]);
            auto after = page(cache, rsm(5, all[at]));
            CHECK(after.page.rsm->count == static_cast<int>(all.size()));
            if (!after.page.items.empty()) {
                CHECK(after.page.rsm->first_index == static_cast<int>(at + 1));
                CHECK(after.page.items.front().id == all[at + 1]);
            }
            auto before = page(cache, rsm(5, {}, all[at]));
            if (!before.page.items.empty()) {
                CHECK(before.page.rsm->first_index ==
                      static_cast<int>(at - before.page.items.size()));
                CHECK(before.page.items.back().id == all[at - 1]);
            }
            auto capped = page(cache, rsm(5, all[at]), 2000);
            if (at < 1999 && !capped.page.items.empty())
                CHECK(capped.page.rsm->first_index == static_cast<int>(at + 1));
        }
    };
    check_every(97);
    // Moves to the end, retractions, a trim and a new server order leave runs uneven.
    cache.store.move_to_end(kBlog, std::vector<std::string>{"i5", "i1500", "i2100"});
    cache.store.delete_items(kBlog, std::vector<std::string>{"i7", "i1024", "i2047", "i2999"});
    cache.store.trim_to_max_items(kBlog, 2900);
    check_every(89);
    auto order = ids_of(cache.store.get_items(kBlog, {}));
    std::reverse(order.begin(), order.end());  // oldest first, as servers list them
    std::mt19937 shuffle(7);
    std::shuffle(order.begin() + 100, order.end() - 100, shuffle);
    cache.store.set_server_order(kBlog, order);
    check_every(83);
    cache.store.upsert_items(kBlog, std::vector{item("late", 9000)});
    check_every(211);
}

TEST_CASE("a read of some ids of a large node gives them in order, paged with the right index") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(2000));
    auto read = cache.store.get_items(kBlog, with_ids({"i5", "i1500"}));
    CHECK(ids_of(read) == Ids{"i1500", "i5"});
    ItemsQuery paged = with_ids({"i1500", "i5", "i7"});
    paged.rsm = rsm(1, "i1500");
    auto after = cache.store.get_items(kBlog, paged);
    CHECK(ids_of(after) == Ids{"i7"});
    CHECK(after.page.rsm->first_index == 1);
    CHECK(after.page.rsm->count == 3);
    paged.rsm = rsm(5, {}, "i5");
    CHECK(ids_of(cache.store.get_items(kBlog, paged)) == Ids{"i1500", "i7"});
    paged.max_items = 2;
    paged.rsm = std::nullopt;
    CHECK(ids_of(cache.store.get_items(kBlog, paged)) == Ids{"i1500", "i7"});
}

TEST_CASE("RSM pages newest first as XEP-0059 says") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(10));

    SUBCASE("the first page") {
        auto a = page(cache, rsm(3));
        CHECK(ids_of(a) == Ids{"i9", "i8", "i7"});
        CHECK(a.page.rsm->first == "i9");
        CHECK(a.page.rsm->first_index == 0);
        CHECK(a.page.rsm->last == "i7");
        CHECK(a.page.rsm->count == 10);
    }
    SUBCASE("the page after an item") {
        auto a = page(cache, rsm(3, "i7"));
        CHECK(ids_of(a) == Ids{"i6", "i5", "i4"});
        CHECK(a.page.rsm->first_index == 3);
        CHECK(a.page.rsm->last == "i4");
    }
    SUBCASE("the page before an item") {
        auto a = page(cache, rsm(3, {}, "i2"));
        CHECK(ids_of(a) == Ids{"i5", "i4", "i3"});
        CHECK(a.page.rsm->first_index == 4);
    }
    SUBCASE("before \"\" is the last page") {
        auto a = page(cache, rsm(3, {}, ""));
        CHECK(ids_of(a) == Ids{"i2", "i1", "i0"});
        CHECK(a.page.rsm->first_index == 7);
        CHECK(a.page.rsm->count == 10);
    }
    SUBCASE("an index jumps into the list; the end gives a short page") {
        auto a = page(cache, rsm(3, {}, {}, 8));
        CHECK(ids_of(a) == Ids{"i1", "i0"});
        CHECK(a.page.rsm->first_index == 8);
    }
    SUBCASE("max 0 only counts") {
        auto a = page(cache, rsm(0));
        CHECK(a.page.items.empty());
        CHECK(a.page.rsm->count == 10);
        CHECK_FALSE(a.page.rsm->first);
    }
    SUBCASE("past the end: an empty page with the count") {
        auto a = page(cache, rsm(3, "i0"));
        CHECK(a.ok());
        CHECK(a.page.items.empty());
        CHECK(a.page.rsm->count == 10);
        CHECK_FALSE(a.page.rsm->last);
    }
    SUBCASE("an unknown anchor is item-not-found, as a server answers") {
        auto a = page(cache, rsm(3, "nope"));
        REQUIRE_FALSE(a.ok());
        CHECK(a.error->condition == "item-not-found");
        CHECK(page(cache, rsm({}, {}, "nope")).error->condition == "item-not-found");
    }
    SUBCASE("walking forward visits every item once") {
        Ids seen;
        RsmRequest request = rsm(4);
        for (;;) {
            auto a = page(cache, request);
            if (a.page.items.empty()) break;
            for (auto& id : ids_of(a)) seen.push_back(id);
            request.after = a.page.rsm->last;
        }
        CHECK(seen == Ids{"i9", "i8", "i7", "i6", "i5", "i4", "i3", "i2", "i1", "i0"});
    }
}

TEST_CASE("the RSM count follows inserts, deletes, trims, purges and re-stores") {
    Cache cache;
    auto count = [&] { return *page(cache, rsm(0)).page.rsm->count; };
    cache.store.upsert_items(kBlog, numbered(10));
    cache.store.upsert_items(kBlog, numbered(10));
    CHECK(count() == 10);
    std::vector<std::string> two{"i1", "i2"};
    cache.store.delete_items(kBlog, two);
    CHECK(count() == 8);
    cache.store.trim_to_max_items(kBlog, 5);
    CHECK(count() == 5);
    cache.store.purge(purge_in(ProfileScope::only("alice")));
    CHECK(count() == 0);
    cache.store.upsert_items(kBlog, numbered(3));
    CHECK(count() == 3);
    cache.store.drop_node(kBlog);
    CHECK(count() == 0);
}

TEST_CASE("without a max, every item comes back: no hidden limit") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(1500));
    CHECK(cache.store.get_items(kBlog, {}).page.items.size() == 1500);
    auto with_rsm = page(cache, rsm({}, "i1000"));
    CHECK(with_rsm.page.items.size() == 1000);
    CHECK(with_rsm.page.rsm->first == "i999");
}

TEST_CASE("max_items keeps the most recent, and RSM pages within them") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(10));
    CHECK(ids_of(cache.store.get_items(kBlog, latest(2))) == Ids{"i9", "i8"});
    auto last = page(cache, rsm(2, {}, ""), 4);
    CHECK(ids_of(last) == Ids{"i7", "i6"});
    CHECK(last.page.rsm->count == 4);
    CHECK(last.page.rsm->first_index == 2);
    CHECK(cache.store.get_items(kBlog, latest(0)).page.items.empty());
}

TEST_CASE("item ids select items, still newest first") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(10));
    auto a = cache.store.get_items(kBlog, with_ids({"i1", "i5", "i3", "missing"}));
    CHECK(ids_of(a) == Ids{"i5", "i3", "i1"});
}

TEST_CASE("order by modification puts the last changed item first") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(5));
    auto edited = item("i0", 1000);
    edited.xml = "<item id='i0'>new</item>";
    edited.updated = 9000;
    cache.store.upsert_items(kBlog, std::vector{edited});
    CHECK(ids_of(cache.store.get_items(kBlog, latest(2))) == Ids{"i4", "i3"});
    auto by_update = cache.store.get_items(kBlog, latest(2, ItemOrder::Modification));
    CHECK(ids_of(by_update) == Ids{"i0", "i4"});
    ItemsQuery after_i0;
    after_i0.rsm = rsm(2, "i0");
    after_i0.order = ItemOrder::Modification;
    auto paged = cache.store.get_items(kBlog, after_i0);
    CHECK(ids_of(paged) == Ids{"i4", "i3"});
}

TEST_CASE("trimming keeps the last items in the server's order") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(10));
    CHECK(cache.store.trim_to_max_items(kBlog, 3) == 7);
    CHECK(cache.store.item_ids(kBlog) == Ids{"i7", "i8", "i9"});
    CHECK(cache.store.trim_to_max_items(kBlog, 3) == 0);
    CHECK(cache.count("SELECT count(*) FROM pubsub_items_fts") >= 0);
}

TEST_CASE("a new item goes after the node's last; a stored one keeps its place") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(3));
    // Creation times say nothing of the place: a page the sync stored later may be older.
    std::vector<StoredItem> later{item("late", 10), item("i1", 1001)};
    later[1].xml = "<item id='i1'>edited</item>";
    cache.store.upsert_items(kBlog, later);
    CHECK(cache.store.item_ids(kBlog) == Ids{"i0", "i1", "i2", "late"});
    CHECK(ids_of(cache.store.get_items(kBlog, {})) == Ids{"late", "i2", "i1", "i0"});
    CHECK(ids_of(cache.store.get_items(kBlog, latest(4, ItemOrder::Creation))) ==
          Ids{"i2", "i1", "i0", "late"});
}

TEST_CASE("the server's order rewrites every place; reads, paging and max_items follow it") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(5));
    // An id listed twice takes its first place; ids not stored are ignored.
    Ids order{"i3", "i0", "gone", "i4", "i1", "i2", "i0"};
    cache.store.set_server_order(kBlog, order);
    CHECK(cache.store.item_ids(kBlog) == Ids{"i3", "i0", "i4", "i1", "i2"});
    CHECK(ids_of(cache.store.get_items(kBlog, latest(2))) == Ids{"i2", "i1"});
    auto after = page(cache, rsm(2, "i4"));
    CHECK(ids_of(after) == Ids{"i0", "i3"});
    CHECK(after.page.rsm->first_index == 3);
    // Storing them again keeps those places; a new item goes last.
    auto again = numbered(6);
    cache.store.upsert_items(kBlog, again);
    CHECK(cache.store.item_ids(kBlog) == Ids{"i3", "i0", "i4", "i1", "i2", "i5"});
    CHECK(cache.store.trim_to_max_items(kBlog, 4) == 2);
    CHECK(cache.store.item_ids(kBlog) == Ids{"i4", "i1", "i2", "i5"});
}

TEST_CASE("the server's order of a large node is one cheap statement") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(5000));
    Ids reversed;
    for (int i = 4999; i >= 0; --i) reversed.push_back("i" + std::to_string(i));
    auto start = std::chrono::steady_clock::now();
    cache.store.set_server_order(kBlog, reversed);
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(cache.store.item_ids(kBlog) == reversed);
    CHECK(took < std::chrono::seconds(2));
}

TEST_CASE("items moved to the end go after the last, in the order given; the last stays") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(4));
    Ids moved{"i1", "i0", "unknown"};
    CHECK(cache.store.move_to_end(kBlog, moved) == 2);
    CHECK(cache.store.item_ids(kBlog) == Ids{"i2", "i3", "i1", "i0"});
    Ids last{"i0"};
    CHECK(cache.store.move_to_end(kBlog, last) == 0);
    CHECK(cache.store.move_to_end({"alice", "nowhere", "n"}, last) == 0);
    cache.store.upsert_items(kBlog, std::vector{item("i4", 1)});
    CHECK(cache.store.item_ids(kBlog).back() == "i4");
}

TEST_CASE("deleting and purging items of a node") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(5));
    std::vector<std::string> gone{"i1", "i3", "unknown"};
    CHECK(cache.store.delete_items(kBlog, gone) == 2);
    CHECK(cache.store.item_ids(kBlog) == Ids{"i0", "i2", "i4"});
    CHECK(cache.store.purge_items(kBlog) == 3);
    CHECK(cache.store.item_ids(kBlog).empty());
    CHECK(cache.store.node_state(kBlog));
}

TEST_CASE("node state is created on demand and kept per node") {
    Cache cache;
    CHECK_FALSE(cache.store.node_state(kBlog));
    cache.store.set_node(kBlog, "microblog", "blog", "");
    cache.store.set_sync_state(kBlog, SyncState::Error, "item-not-found");
    cache.store.set_subscribed(kBlog, true);
    cache.store.set_extra(kBlog, json{{"max_items", 20}});
    auto node = cache.store.node_state(kBlog);
    REQUIRE(node);
    CHECK(node->key.node == kBlog.node);
    CHECK(node->analyser == "microblog");
    CHECK(node->type == "blog");
    CHECK(node->subtype.empty());
    CHECK(node->sync_state == SyncState::Error);
    CHECK(node->sync_reason == "item-not-found");
    CHECK(node->sync_updated_at > 0);
    CHECK(node->subscribed);
    CHECK(node->extra["max_items"] == 20);
    cache.store.set_sync_state(kBlog, std::nullopt);
    CHECK_FALSE(cache.store.node_state(kBlog)->sync_state);
    CHECK(cache.count("SELECT count(*) FROM profiles WHERE name = 'alice'") == 1);
}

TEST_CASE("dropping a node takes its items and their full-text entries") {
    Cache cache;
    cache.store.upsert_items(kBlog, std::vector{item("a", 1, json{{"t", 1}}, "hello birds")});
    CHECK(cache.store.drop_node(kBlog));
    CHECK_FALSE(cache.store.drop_node(kBlog));
    CHECK(cache.count("SELECT count(*) FROM pubsub_items") == 0);
    auto found = cache.store.search(in(ProfileScope::only("alice"), "birds"));
    CHECK(found.hits.empty());
}

// Found by tests/fuzz/fuzz_atom_parser: parsers copy text out of item XML, which
// pugixml does not check for valid UTF-8, and json::dump() threw on it.
TEST_CASE("parsed JSON holding invalid UTF-8 is stored, its bad bytes replaced") {
    Cache cache;
    cache.store.upsert_items(kBlog, std::vector{item("a", 1, json{{"title", "caf\xE9"}}, "cafe")});
    auto found = cache.store.search(in(ProfileScope::only("alice")));
    REQUIRE(found.hits.size() == 1);
    CHECK(found.hits[0].item.parsed == json{{"title", "caf\xEF\xBF\xBD"}});
}

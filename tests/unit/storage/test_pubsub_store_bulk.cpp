// SPDX-License-Identifier: MIT
// The pubsub store's fast paths give what the plain ones gave: a page stored in one
// statement behaves as item by item did, and a full-text search answered from the most
// recently updated items returns the page that reading every match returns.
#include "src/storage/SearchQuery.hpp"
#include "tests/support/PubsubStoreFixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace roost::test::store;

namespace {

// What search() answers when it reads every match: search_sql() run as it is.
Ids plain_search(Cache& cache, const SearchQuery& query, bool& more) {
    auto sql = roost::storage::search_sql(query, {});
    REQUIRE(std::holds_alternative<roost::storage::BoundSql>(sql));
    const auto& bound = std::get<roost::storage::BoundSql>(sql);
    SQLite::Statement rows(cache.db.sqlite(), bound.sql);
    roost::storage::bind_all(rows, bound.params);
    Ids ids;
    more = false;
    while (rows.executeStep()) {
        if (static_cast<int>(ids.size()) == query.limit) {
            more = true;
            break;
        }
        ids.push_back(rows.getColumn(4).getString());
    }
    return ids;
}

Ids hit_ids(const SearchResult& result) {
    Ids ids;
    for (const auto& hit : result.hits) ids.push_back(hit.item.id);
    return ids;
}

const char* kWords[] = {"birds", "nest", "wing", "song", "tree", "sky"};

}  // namespace

TEST_CASE("a page naming an item twice stores it in order, as item by item did") {
    Cache cache;
    auto first = item("a", 1000);
    auto second = item("a", 1000);
    second.xml = "<item id='a'>edited</item>";
    auto result = cache.store.upsert_items(kBlog, std::vector{first, item("b", 1001), second});
    std::sort(result.changed.begin(), result.changed.end());
    CHECK(result.changed == std::vector<std::string>{"a", "a", "b"});
    CHECK(result.unchanged == 0);
    auto stored = cache.store.get_items(kBlog, with_ids({"a"}));
    REQUIRE(stored.page.items.size() == 1);
    CHECK(stored.page.items[0].xml == second.xml);
    CHECK(cache.count("SELECT created FROM pubsub_items WHERE item_id = 'a'") == 1000);
    CHECK(cache.count("SELECT updated FROM pubsub_items WHERE item_id = 'a'") > 1000000);

    auto again = cache.store.upsert_items(kBlog, std::vector{second, second});
    CHECK(again.changed.empty());
    CHECK(again.unchanged == 2);
    CHECK(cache.count("SELECT item_count FROM pubsub_nodes") == 2);
}

TEST_CASE("a page's changed texts are found by full-text search, the old ones no more") {
    Cache cache;
    cache.store.upsert_items(kBlog, std::vector{item("a", 1, json{{"t", 1}}, "old words"),
                                                item("b", 2, json{{"t", 2}}, "old words")});
    auto changed = item("a", 1, json{{"t", 1}}, "new words");
    cache.store.upsert_items(kBlog, std::vector{changed, item("c", 3, nullptr, "new words")});
    SearchQuery fresh = in(ProfileScope::only("alice"), "new");
    fresh.order = {"created", false};
    CHECK(hit_ids(cache.store.search(fresh)) == Ids{"a", "c"});
    CHECK(hit_ids(cache.store.search(in(ProfileScope::only("alice"), "old"))) == Ids{"b"});
    cache.db.exec("INSERT INTO pubsub_items_fts(pubsub_items_fts) VALUES ('integrity-check')");
}

TEST_CASE("full-text search in update order returns the page that reading every match does") {
    Cache cache;
    std::mt19937 random(7);
    const std::vector<NodeKey> nodes{kBlog,
                                     {"alice", "pubsub.other", "news"},
                                     {"bob", "pubsub.example", "urn:xmpp:microblog:0"}};
    // 3,000 items over three nodes and two profiles, update times not in id order.
    for (int page = 0; page < 6; ++page) {
        std::vector<StoredItem> items;
        for (int n = page * 500; n < page * 500 + 500; ++n) {
            std::string text = std::string(kWords[random() % 6]) + " " + kWords[random() % 6];
            if (n % 97 == 0) text += " rare";
            auto stored = item("i" + std::to_string(n), 1 + static_cast<int>(random() % 5000),
                               json{{"n", n % 10}}, text);
            stored.updated = stored.created;
            items.push_back(stored);
        }
        cache.store.upsert_items(nodes[page % 3], items);
    }
    // Some old items edited late: the newest by update time have scattered ids.
    for (int n = 0; n < 3000; n += 211) {
        auto edited = item("i" + std::to_string(n), 1, json{{"n", 1}}, "birds edited");
        edited.updated = 9000 + n;
        cache.store.upsert_items(nodes[n / 500 % 3], std::vector{edited});
    }

    for (std::string words : {"birds", "birds nest", "rare", "edited", "sky wing"}) {
        for (bool descending : {true, false}) {
            for (auto [limit, offset] : {std::pair{20, 0}, {50, 0}, {5, 30}, {1000, 0}}) {
                SearchQuery query = in(ProfileScope::only("alice"), words);
                query.order = {"updated", descending};
                query.limit = limit;
                query.offset = offset;
                SearchQuery in_node = query;
                in_node.node = "news";
                SearchQuery with_field = query;
                with_field.conditions.push_back({"n", SearchOp::Ge, 5});
                for (const auto& q : {query, in_node, with_field}) {
                    INFO(words, " desc ", descending, " limit ", query.limit, " offset ",
                         query.offset);
                    bool more = false;
                    Ids expected = plain_search(cache, q, more);
                    auto result = cache.store.search(q);
                    REQUIRE(result.ok());
                    CHECK(hit_ids(result) == expected);
                    CHECK(result.more == more);
                }
            }
        }
    }
}

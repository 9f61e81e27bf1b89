// The pubsub store's search: fields compared by type, full-text over parsed text only,
// items without parsed data, ordering, paging, limits, errors and injections.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/PubsubStoreFixture.hpp"

using namespace roost::test::store;

namespace {

// Posts with titles, numbers, tags and authors; one item the parser gave up on.
Cache& with_posts(Cache& cache) {
    std::vector<StoredItem> posts{
        item("p1", 1,
             {{"title", "Roost released"},
              {"likes", 10},
              {"tags", {"xmpp", "c++"}},
              {"author", {{"name", "Alice"}}},
              {"published", "2024-03-01"}},
             "Roost released today, birds nest"),
        item("p2", 2,
             {{"title", "Nine"},
              {"likes", 9},
              {"tags", {"birds"}},
              {"author", {{"name", "Bob"}}},
              {"published", "2023-12-31"}},
             "nine small birds"),
        item("p3", 3,
             {{"title", "Hundred"},
              {"likes", 100},
              {"score", 2.5},
              {"author", {{"name", "Alice"}}},
              {"published", "2024-01-02"}},
             "a hundred nest builders"),
        item("p4", 4, nullptr, ""),
    };
    posts[3].parse_error = "not Atom";
    cache.store.upsert_items(kBlog, posts);
    cache.store.set_node(kBlog, "microblog", "blog", "");
    return cache;
}

Ids hit_ids(const SearchResult& result) {
    Ids ids;
    for (const auto& hit : result.hits) ids.push_back(hit.item.id);
    return ids;
}

SearchResult where(Cache& cache, std::string path, SearchOp op, json value) {
    SearchQuery query = in(ProfileScope::only("alice"));
    query.conditions.push_back({std::move(path), op, std::move(value)});
    query.order = {"created", false};
    auto result = cache.store.search(query);
    if (result.error) FAIL(result.error->message);
    return result;
}

}  // namespace

TEST_CASE("search compares numbers as numbers, and < is strict") {
    Cache cache;
    with_posts(cache);
    CHECK(hit_ids(where(cache, "likes", SearchOp::Gt, 9)) == Ids{"p1", "p3"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::Ge, 10)) == Ids{"p1", "p3"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::Lt, 10)) == Ids{"p2"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::Le, 10)) == Ids{"p1", "p2"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::Eq, 100)) == Ids{"p3"});
    CHECK(hit_ids(where(cache, "score", SearchOp::Gt, 2)) == Ids{"p3"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::Eq, "10")).empty());
}

TEST_CASE("search compares strings, nested fields, lists and substrings") {
    Cache cache;
    with_posts(cache);
    CHECK(hit_ids(where(cache, "published", SearchOp::Gt, "2024-01-01")) == Ids{"p1", "p3"});
    CHECK(hit_ids(where(cache, "author.name", SearchOp::Eq, "Alice")) == Ids{"p1", "p3"});
    CHECK(hit_ids(where(cache, "author.name", SearchOp::Ne, "Alice")) == Ids{"p2"});
    CHECK(hit_ids(where(cache, "title", SearchOp::Contains, "roost")) == Ids{"p1"});
    CHECK(hit_ids(where(cache, "tags", SearchOp::Contains, "birds")) == Ids{"p2"});
    CHECK(hit_ids(where(cache, "tags[0]", SearchOp::Eq, "xmpp")) == Ids{"p1"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::In, json{9, 100})) == Ids{"p2", "p3"});
    CHECK(hit_ids(where(cache, "title", SearchOp::In, json{"Nine", "x"})) == Ids{"p2"});
    CHECK(hit_ids(where(cache, "title", SearchOp::Contains, "%")).empty());
}

TEST_CASE("items without parsed data never match a field and never break a search") {
    Cache cache;
    with_posts(cache);
    CHECK(hit_ids(where(cache, "title", SearchOp::Ne, "nothing")) == Ids{"p1", "p2", "p3"});
    auto all = cache.store.search(in(ProfileScope::only("alice")));
    REQUIRE(all.ok());
    CHECK(all.hits.size() == 4);
    CHECK(all.hits[0].item.id == "p4");  // newest update first by default
    CHECK(all.hits[0].item.parsed.is_null());
    CHECK(all.hits[0].item.parse_error == "not Atom");
    CHECK(all.hits[0].type == "blog");
    // Ordered by a field p4 lacks, with words p4 has no text for: p4 goes last or away.
    SearchQuery by_likes = in(ProfileScope::only("alice"));
    by_likes.order = {"likes", true};
    auto ordered = cache.store.search(by_likes);
    REQUIRE(ordered.ok());
    CHECK(hit_ids(ordered) == Ids{"p3", "p1", "p2", "p4"});
    auto worded = cache.store.search(in(ProfileScope::only("alice"), "birds"));
    REQUIRE(worded.ok());
    CHECK(worded.hits.size() == 2);
}

TEST_CASE("full-text search looks at the text, not the XML markup") {
    Cache cache;
    with_posts(cache);
    auto text = [&](const std::string& words) {
        SearchQuery query = in(ProfileScope::only("alice"), words);
        query.order = {"created", false};
        return hit_ids(cache.store.search(query));
    };
    CHECK(text("birds") == Ids{"p1", "p2"});
    CHECK(text("nest birds") == Ids{"p1"});
    // Names, attributes and namespaces of every item's XML, never its text.
    for (std::string markup : {"entry", "title", "item", "xmlns", "http", "w3", "Atom", "id"}) {
        INFO(markup);
        CHECK(text(markup).empty());
    }
    SearchQuery both = in(ProfileScope::only("alice"), "nest");
    both.conditions.push_back({"likes", SearchOp::Gt, 50});
    CHECK(hit_ids(cache.store.search(both)) == Ids{"p3"});
}

TEST_CASE("search orders by a field, pages, and stops at 50 by default") {
    Cache cache;
    with_posts(cache);
    SearchQuery by_likes = in(ProfileScope::only("alice"));
    by_likes.conditions.push_back({"likes", SearchOp::Ge, 0});
    by_likes.order = {"likes", true};
    CHECK(hit_ids(cache.store.search(by_likes)) == Ids{"p3", "p1", "p2"});
    by_likes.limit = 1;
    by_likes.offset = 1;
    auto second = cache.store.search(by_likes);
    CHECK(hit_ids(second) == Ids{"p1"});
    CHECK(second.more);

    NodeKey big{"alice", "s", "big"};
    std::vector<StoredItem> many;
    for (int i = 0; i < 60; ++i)
        many.push_back(item("m" + std::to_string(i), i + 1, json{{"n", i}}));
    cache.store.upsert_items(big, many);
    SearchQuery in_big = in(ProfileScope::only("alice"));
    in_big.node = "big";
    auto page = cache.store.search(in_big);
    CHECK(page.hits.size() == SearchQuery::kDefaultLimit);
    CHECK(page.more);
}

TEST_CASE("a search that cannot run says why") {
    Cache cache;
    with_posts(cache);
    auto error_of = [&](SearchQuery query) {
        auto result = cache.store.search(query);
        REQUIRE_FALSE(result.ok());
        return result.error->message;
    };
    auto alice = ProfileScope::only("alice");
    CHECK(error_of({}).find("no profile") != std::string::npos);
    SearchQuery too_many = in(alice);
    too_many.limit = 5000;
    CHECK(error_of(too_many).find("limit 5000") != std::string::npos);
    CHECK(error_of(in(alice, "   ")).find("at least one word") != std::string::npos);
    SearchQuery bad_path = in(alice);
    bad_path.conditions.push_back({"title') OR 1=1 --", SearchOp::Eq, "x"});
    CHECK(error_of(bad_path).find("not a field path") != std::string::npos);
    SearchQuery bad_order = in(alice);
    bad_order.order.field = "likes desc; DROP TABLE pubsub_items";
    CHECK(error_of(bad_order).find("cannot order by") != std::string::npos);
    SearchQuery bad_compare = in(alice);
    bad_compare.conditions.push_back({"likes", SearchOp::Gt, json::array()});
    CHECK(error_of(bad_compare).find("likes >") != std::string::npos);
}

TEST_CASE("injection attempts are searched for, never run") {
    Cache cache;
    with_posts(cache);
    auto alice = ProfileScope::only("alice");
    CHECK(hit_ids(where(cache, "title", SearchOp::Eq, "x' OR '1'='1")).empty());
    CHECK(hit_ids(where(cache, "title", SearchOp::Contains, "'); DROP TABLE pubsub_items; --"))
              .empty());
    for (std::string fts : {"birds OR *", "search_text:birds", "NEAR(birds nest)", "\"birds",
                            "birds\" OR \"nine", "-birds", "^birds"}) {
        auto result = cache.store.search(in(alice, fts));
        INFO(fts);
        CHECK(result.ok());
    }
    CHECK(cache.store.search(in(alice, "birds OR nine")).hits.empty());
    CHECK(cache.store.search(in(ProfileScope::only("alice' OR 1=1 --"))).hits.empty());
    CHECK(cache.count("SELECT count(*) FROM pubsub_items") == 4);
}

// Found by tests/fuzz/fuzz_search_query: FTS5 read the query only up to a NUL byte and
// threw "unterminated string".
TEST_CASE("a NUL byte in full-text words separates them and never breaks a search") {
    using namespace std::string_literals;
    Cache cache;
    with_posts(cache);
    auto result = cache.store.search(in(ProfileScope::only("alice"), "birds\0nest"s));
    REQUIRE(result.ok());
    CHECK(hit_ids(result) == Ids{"p1"});
}

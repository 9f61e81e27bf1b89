// SPDX-License-Identifier: MIT
// The pubsub store's search: fields compared by type, dates as instants, full-text over
// parsed text only (and what it makes of unicode), items without parsed data, ordering,
// paging, limits, errors and injections.
#include "src/storage/SearchSql.hpp"
#include "src/storage/StatementCache.hpp"
#include "tests/support/PubsubStoreFixture.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

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
TEST_CASE("a full-text search looks its items up by id, never by walking their nodes") {
    Cache cache;
    with_posts(cache);
    roost::storage::StatementCache statements(cache.db);
    auto plan_of = [&](const roost::storage::BoundSql& sql) {
        std::string plan;
        auto explain = statements.statement({"EXPLAIN QUERY PLAN " + sql.sql, sql.params});
        while (explain->executeStep()) plan += explain->getColumn(3).getString() + "\n";
        return plan;
    };
    SearchQuery query;
    query.scope = ProfileScope::only("alice");
    query.text = "birds";
    const std::vector<std::int64_t> window{1, 2};  // as search_recent() passes the ids it found
    for (const auto* found : {static_cast<const std::vector<std::int64_t>*>(nullptr), &window}) {
        auto sql = roost::storage::search_sql(query, {}, found);
        REQUIRE(std::holds_alternative<roost::storage::BoundSql>(sql));
        auto plan = plan_of(std::get<roost::storage::BoundSql>(sql));
        CAPTURE(plan);
        CHECK(plan.find("SEARCH i USING INTEGER PRIMARY KEY") != std::string::npos);
        CHECK(plan.find("SEARCH i USING INDEX") == std::string::npos);
    }
}

TEST_CASE("a NUL byte in full-text words separates them and never breaks a search") {
    using namespace std::string_literals;
    Cache cache;
    with_posts(cache);
    auto result = cache.store.search(in(ProfileScope::only("alice"), "birds\0nest"s));
    REQUIRE(result.ok());
    CHECK(hit_ids(result) == Ids{"p1"});
}

namespace {

// Published dates as feeds write them: offsets, fractions, and values that are no date.
Cache& with_dates(Cache& cache) {
    std::vector<StoredItem> posts{
        item("d1", 1, {{"published", "2026-06-01T13:30:00+02:00"}}),  // 11:30Z
        item("d2", 2, {{"published", "2026-06-01T11:00:00-03:00"}}),  // 14:00Z
        item("d3", 3, {{"published", "2026-06-01T12:00:00.500Z"}}),
        item("d4", 4, {{"published", "2026-06-01T12:00:00Z"}}),
        item("d5", 5, {{"published", "2026-06-01T12:00:00.000999Z"}}),  // 12:00:00.000Z
        item("d6", 6, {{"published", "tomorrow"}}),
        item("d7", 7, {{"published", "2026-06-01"}}),
        item("d8", 8, {{"published", "2026-13-01T00:00:00Z"}}),
        item("d9", 9, {{"published", 1780315300}}),
    };
    cache.store.upsert_items(kBlog, posts);
    return cache;
}

// The ids a query typed by a user finds among alice's items, in creation order unless
// it says otherwise.
Ids found(Cache& cache, const std::string& text) {
    auto parsed = cache.store.parse_search(text);
    if (!parsed.ok()) FAIL(parsed.error->message);
    SearchQuery query = *parsed.query;
    query.scope = ProfileScope::only("alice");
    if (text.find("order by") == std::string::npos) query.order = {"created", false};
    auto result = cache.store.search(query);
    if (result.error) FAIL(result.error->message);
    return hit_ids(result);
}

}  // namespace

TEST_CASE("dates compare as instants, whatever their offsets and fractions") {
    Cache cache;
    with_dates(cache);
    CHECK(found(cache, R"(published > "2026-06-01T12:00:00Z")") == Ids{"d2", "d3"});
    CHECK(found(cache, R"(published >= "2026-06-01T12:00:00Z")") == Ids{"d2", "d3", "d4", "d5"});
    CHECK(found(cache, R"(published < "2026-06-01T12:00:00Z")") == Ids{"d1"});
    CHECK(found(cache, R"(published <= "2026-06-01T12:00:00Z")") == Ids{"d1", "d4", "d5"});
    // Millisecond precision: .000999 is 12:00:00.000, and .5 is 12:00:00.500.
    CHECK(found(cache, R"(published == "2026-06-01T14:00:00+02:00")") == Ids{"d4", "d5"});
    CHECK(found(cache, R"(published = "2026-06-01T12:00:00.5Z")") == Ids{"d3"});
    CHECK(found(cache, R"(published != "2026-06-01T12:00:00Z")") == Ids{"d1", "d2", "d3"});
    CHECK(found(cache, R"(published > "2026-06-01T13:59:59.999Z")") == Ids{"d2"});
}

TEST_CASE("values that are no date match no date comparison, and break nothing") {
    Cache cache;
    with_dates(cache);
    const Ids dates{"d1", "d2", "d3", "d4", "d5"};
    CHECK(found(cache, R"(published > "0000-01-01T00:00:00Z")") == dates);
    CHECK(found(cache, R"(published < "9999-12-31T23:59:59Z")") == dates);
    // Compared as written, they are still there.
    CHECK(found(cache, R"(published == "tomorrow")") == Ids{"d6"});
    CHECK(found(cache, R"(published == "2026-06-01")") == Ids{"d7"});
    CHECK(found(cache, R"(published > 1780315200)") == Ids{"d9"});
    CHECK(found(cache, R"(published contains "2026-13")") == Ids{"d8"});
}

TEST_CASE("ordering by a date field orders by instant") {
    Cache cache;
    with_dates(cache);
    // As text the order would be d2 (11:00-03:00), d3, d5, d4, d1 (13:30+02:00).
    CHECK(found(cache, R"(published >= "2000-01-01T00:00:00Z" order by published)") ==
          Ids{"d1", "d5", "d4", "d3", "d2"});
    // Values without an instant follow the dates when descending, in their own order
    // (SQLite's: text before numbers), like missing fields.
    CHECK(found(cache, "order by published desc") ==
          Ids{"d2", "d3", "d4", "d5", "d1", "d6", "d8", "d7", "d9"});
}

TEST_CASE("a date that is wrong in a query is an error, not an empty answer") {
    Cache cache;
    with_dates(cache);
    auto parsed = cache.store.parse_search(R"(published > "2026-13-01T00:00:00Z")");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error->message.find("the month must be 01 to 12") != std::string::npos);
    auto result = where(cache, "title", SearchOp::Contains, "2026-13-01T00:00:00Z");
    CHECK(result.ok());
}

namespace {

// Texts in several scripts, for what the unicode61 tokenizer makes of them.
Cache& with_unicode(Cache& cache) {
    std::vector<StoredItem> texts{
        item("u1", 1, nullptr, "un café au lait"),
        item("u2", 2, nullptr, "CAFE NOIR"),
        item("u3", 3, nullptr, "naïve Øresund straße Łódź"),
        item("u4", 4, nullptr, "東京タワーに行く 2026"),
        item("u5", 5, nullptr, "party🎉time"),
        item("u6", 6, nullptr, "🎉 launch"),
    };
    cache.store.upsert_items(kBlog, texts);
    return cache;
}

// What `fts:"words"` finds, typed as a user would.
Ids text_search(Cache& cache, const std::string& words) {
    return found(cache, "fts:\"" + words + "\"");
}

}  // namespace

TEST_CASE("full-text folds case and accents, not letters of their own") {
    Cache cache;
    with_unicode(cache);
    CHECK(text_search(cache, "cafe") == Ids{"u1", "u2"});
    CHECK(text_search(cache, "CAFÉ") == Ids{"u1", "u2"});
    CHECK(text_search(cache, "NAIVE") == Ids{"u3"});
    CHECK(text_search(cache, "łodz") == Ids{"u3"});  // ó folds, ł is a letter of its own
    for (std::string unfolded : {"oresund", "strasse", "lodz"}) {
        INFO(unfolded);
        CHECK(text_search(cache, unfolded).empty());
    }
    CHECK(text_search(cache, "øresund straße") == Ids{"u3"});
}

TEST_CASE("full-text takes a run of CJK characters without spaces as one word") {
    Cache cache;
    with_unicode(cache);
    CHECK(text_search(cache, "東京タワーに行く") == Ids{"u4"});
    CHECK(text_search(cache, "東京").empty());
    CHECK(text_search(cache, "タワー").empty());
    CHECK(text_search(cache, "2026") == Ids{"u4"});
}

TEST_CASE("full-text takes emoji as spaces between words") {
    Cache cache;
    with_unicode(cache);
    CHECK(text_search(cache, "party") == Ids{"u5"});
    CHECK(text_search(cache, "time") == Ids{"u5"});
    CHECK(text_search(cache, "party🎉time") == Ids{"u5"});
    CHECK(text_search(cache, "party time") == Ids{"u5"});
    CHECK(text_search(cache, "launch 🎉") == Ids{"u6"});
    // Emoji alone are no word: nothing is found, and nothing fails.
    CHECK(text_search(cache, "🎉").empty());
}

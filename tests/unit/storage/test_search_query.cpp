// SPDX-License-Identifier: MIT
#include "src/storage/SearchQuery.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <variant>

using namespace roost::pubsub;
using nlohmann::json;
using roost::storage::fts_match;
using roost::storage::json_path;
using roost::storage::parse_search_query;

namespace {

SearchQuery parsed(const std::string& text) {
    auto result = parse_search_query(text);
    if (!result.ok()) FAIL(result.error->message);
    return *result.query;
}

std::string error_of(const std::string& text) {
    auto result = parse_search_query(text);
    REQUIRE_FALSE(result.ok());
    return result.error->message;
}

}  // namespace

TEST_CASE("the documented example parses into conditions, full-text, order and limit") {
    auto query = parsed(R"(title contains "roost" and published > "2024-01-01T00:00:00Z" and )"
                        R"(fts:"birds nest" order by published desc limit 20)");
    REQUIRE(query.conditions.size() == 2);
    CHECK(query.conditions[0].path == "title");
    CHECK(query.conditions[0].op == SearchOp::Contains);
    CHECK(query.conditions[0].value == "roost");
    CHECK(query.conditions[1].op == SearchOp::Gt);
    CHECK(query.conditions[1].value == "2024-01-01T00:00:00Z");
    CHECK(query.text == "birds nest");
    CHECK(query.order.field == "published");
    CHECK(query.order.descending);
    CHECK(query.limit == 20);
    CHECK(query.offset == 0);
    CHECK(query.scope.profile.empty());
}

TEST_CASE("values: numbers stay numbers, lists, booleans, null, escapes") {
    auto query = parsed(R"(likes >= 10 and score < -2.5 and tags in ["a", 3] and draft == false )"
                        R"(and gone = null and title == "say \"hi\"")");
    REQUIRE(query.conditions.size() == 6);
    CHECK(query.conditions[0].value.is_number_integer());
    CHECK(query.conditions[0].value == 10);
    CHECK(query.conditions[1].op == SearchOp::Lt);
    CHECK(query.conditions[1].value == -2.5);
    CHECK(query.conditions[2].op == SearchOp::In);
    CHECK(query.conditions[2].value == json{"a", 3});
    CHECK(query.conditions[3].value == false);
    CHECK(query.conditions[4].op == SearchOp::Eq);
    CHECK(query.conditions[4].value.is_null());
    CHECK(query.conditions[5].value == "say \"hi\"");
}

TEST_CASE("filters, nested paths, keywords in any case, and defaults") {
    auto query = parsed(R"(service:"pubsub.example" AND node:"urn:xmpp:microblog:0" AND )"
                        R"(type:blog and profile:"alice" and author.name != "Bob" and )"
                        R"(tags[1] == "x" ORDER BY created ASC OFFSET 40)");
    CHECK(query.service == "pubsub.example");
    CHECK(query.node == "urn:xmpp:microblog:0");
    CHECK(query.type == "blog");
    CHECK(query.scope.profile == "alice");
    CHECK(query.conditions[0].path == "author.name");
    CHECK(query.conditions[1].path == "tags[1]");
    CHECK(query.order.field == "created");
    CHECK_FALSE(query.order.descending);
    CHECK(query.offset == 40);
    CHECK(query.limit == SearchQuery::kDefaultLimit);

    auto empty = parsed("   ");
    CHECK(empty.conditions.empty());
    CHECK(empty.order.field == "updated");
    CHECK(empty.order.descending);
    CHECK(parsed("limit 5").limit == 5);
}

TEST_CASE("malformed queries name the bad part and where it is") {
    CHECK(error_of(R"(title ~ "x")") == "search query at column 7: unexpected character '~'");
    CHECK(error_of(R"(title is "x")").find("expected an operator after 'title'") !=
          std::string::npos);
    CHECK(error_of(R"(title == "x)").find("string not closed") != std::string::npos);
    CHECK(error_of(R"(title ==)").find("expected a value") != std::string::npos);
    CHECK(error_of(R"(tags in "x")").find("'in' takes a list") != std::string::npos);
    CHECK(error_of(R"(tags in ["x" "y"])").find("expected ',' or ']'") != std::string::npos);
    CHECK(error_of(R"(color:"red")").find("unknown filter 'color:'") != std::string::npos);
    CHECK(error_of(R"(title == "x" or likes > 1)").find("column 14") != std::string::npos);
    CHECK(error_of("limit many").find("'limit' takes a whole number") != std::string::npos);
    CHECK(error_of("limit -1").find("'limit' takes a whole number") != std::string::npos);
    CHECK(error_of("order published").find("expected 'by'") != std::string::npos);
    CHECK(error_of(R"(a..b == 1)").find("is not a field path") != std::string::npos);
    CHECK(error_of(R"(== 1)").find("expected a field") != std::string::npos);
    CHECK(error_of(R"(x == 1e)").find("is not a number") != std::string::npos);
}

TEST_CASE("field paths become quoted JSON paths; anything else is refused") {
    CHECK(json_path("title") == R"($."title")");
    CHECK(json_path("author.name") == R"($."author"."name")");
    CHECK(json_path("tags[2].label") == R"($."tags"[2]."label")");
    CHECK(json_path("x-y_z") == R"($."x-y_z")");
    for (const char* bad : {"", ".a", "a.", "a..b", "1a", "a b", "a\"b", "a[x]", "a[]", "a[1",
                            "a'); DROP TABLE x; --", "$.a"}) {
        INFO(bad);
        CHECK_FALSE(json_path(bad));
    }
}

TEST_CASE("full-text words are quoted so that FTS5 syntax stays literal") {
    CHECK(fts_match("birds nest") == R"("birds" "nest")");
    CHECK(fts_match(R"(  say "hi"  OR * )") == R"("say" """hi""" "OR" "*")");
    CHECK(fts_match(" \t ").empty());
}

// Found by tests/fuzz/fuzz_search_query: FTS5 stops reading its query at a NUL byte,
// which left a quote open ("unterminated string") and made the search throw.
TEST_CASE("a NUL byte separates full-text words like a space") {
    using namespace std::string_literals;
    CHECK(fts_match("birds\0nest"s) == R"("birds" "nest")");
    CHECK(fts_match("\0\0"s).empty());
}

namespace {

// The SQL and bound values of a query on alice's items.
roost::storage::BoundSql sql_of(const std::string& text) {
    SearchQuery query = parsed(text);
    query.scope = ProfileScope::only("alice");
    auto sql = roost::storage::search_sql(query, {});
    if (auto* error = std::get_if<SearchError>(&sql)) FAIL(error->message);
    return std::get<roost::storage::BoundSql>(sql);
}

bool binds(const roost::storage::BoundSql& sql, const roost::storage::SqlValue& value) {
    return std::find(sql.params.begin(), sql.params.end(), value) != sql.params.end();
}

}  // namespace

TEST_CASE("a DateTime value compares instants, bound as epoch milliseconds") {
    for (const char* op : {"==", "!=", ">", ">=", "<", "<="}) {
        INFO(op);
        auto sql = sql_of(std::string("published ") + op + R"( "2026-06-01T14:00:00+02:00")");
        CHECK(sql.sql.find(std::string("rfc3339_ms(json_extract(i.parsed, ?)) ") + op + " ?") !=
              std::string::npos);
        CHECK(binds(sql, std::int64_t{1780315200000}));
        CHECK_FALSE(binds(sql, std::string("2026-06-01T14:00:00+02:00")));
        CHECK(sql.sql.find("2026") == std::string::npos);
    }
}

TEST_CASE("dates alone, other text, contains and in compare text as written") {
    auto date_alone = sql_of(R"(published > "2024-01-01")");
    CHECK(date_alone.sql.find("rfc3339_ms(json_extract") == std::string::npos);
    CHECK(binds(date_alone, std::string("2024-01-01")));
    auto contained = sql_of(R"(title contains "2026-06-01T12:00:00Z")");
    CHECK(contained.sql.find("rfc3339_ms(json_extract") == std::string::npos);
    CHECK(binds(contained, std::string("2026-06-01T12:00:00Z")));
    CHECK(parsed(R"(title contains "2026-13-01T00:00:00Z")").conditions.size() == 1);
    CHECK(parsed(R"(title in ["2026-13-01"])").conditions.size() == 1);
}

TEST_CASE("ordering by a field orders its dates by instant, then values by themselves") {
    auto sql = sql_of("order by published desc");
    CHECK(sql.sql.find("ORDER BY rfc3339_ms(json_extract(i.parsed, ?)) DESC, "
                       "json_extract(i.parsed, ?) DESC, i.id DESC") != std::string::npos);
    CHECK(binds(sql, std::string(R"($."published")")));
}

TEST_CASE("a value that begins like a date but is none is refused, with where and why") {
    CHECK(error_of(R"(published > "2026-13-01T00:00:00Z")") ==
          R"(search query at column 13: "2026-13-01T00:00:00Z" is not a valid date: )"
          "the month must be 01 to 12");
    CHECK(error_of(R"(published == "2026-06-01T12:00:00")").find("no time zone") !=
          std::string::npos);
    CHECK(error_of(R"(published <= "2026-06-01 12:00:00Z")").find("put 'T' between") !=
          std::string::npos);
    CHECK(error_of(R"(published != "2026-02-30")").find("that day does not exist") !=
          std::string::npos);
    // A query built without the parser gets the same answer from the SQL builder.
    SearchQuery query;
    query.scope = ProfileScope::only("alice");
    query.conditions.push_back({"published", SearchOp::Lt, "2026-06-01T25:00:00Z"});
    auto sql = roost::storage::search_sql(query, {});
    REQUIRE(std::holds_alternative<SearchError>(sql));
    CHECK(std::get<SearchError>(sql).message ==
          R"(published <: "2026-06-01T25:00:00Z" is not a valid date: the hour must be 00 to 23)");
}

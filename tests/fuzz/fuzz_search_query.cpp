// SPDX-License-Identifier: MIT
// Fuzzes the search query parser (doc/search.md) and the SQL it leads to: a text
// either parses or gives a SearchError, and a query that parses runs on a real
// database with the real schema, returning hits or a SearchError; it never throws.
#include "tests/fuzz/FuzzCheck.hpp"
#include "tests/support/PubsubStoreFixture.hpp"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

using namespace roost::test::store;
using roost::fuzz::broken;
using roost::fuzz::check;

namespace {

// A few parsed items of different shapes, so that conditions meet numbers, strings,
// arrays, objects and missing fields.
struct Posts : Cache {
    Posts() {
        std::vector<StoredItem> items(3);
        items[0] = {"a",
                    "<item id='a'/>",
                    "alice@example",
                    json{{"title", "Roost"},
                         {"likes", 3},
                         {"tags", {"x", "y"}},
                         {"author", {{"name", "Alice"}}}},
                    "",
                    "roost birds",
                    1000,
                    0};
        items[1] = {"b",
                    "<item id='b'/>",
                    "bob@example",
                    json{{"title", "b"}, {"likes", 2.5}, {"draft", true}, {"gone", nullptr}},
                    "",
                    "nest",
                    1001,
                    0};
        items[2] = {"c", "<item id='c'/>", "", nullptr, "not an entry", "", 1002, 0};
        store.upsert_items(kBlog, items);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Posts cache;
    std::string text(reinterpret_cast<const char*>(data), size);
    ParsedSearch parsed = cache.store.parse_search(text);
    check(parsed.query.has_value() != parsed.error.has_value(),
          "a parse gives either a query or an error");
    if (!parsed.ok()) {
        check(!parsed.error->message.empty(), "a parse error without a message");
        return 0;
    }
    SearchQuery query = *parsed.query;
    if (!query.scope.all_profiles && query.scope.profile.empty())
        query.scope = ProfileScope::only("alice");  // as the cache plugin fills it in
    SearchResult result;
    try {
        result = cache.store.search(query);
    } catch (const std::exception& e) {
        broken("a parsed query threw instead of answering: " + std::string(e.what()) +
               "\nquery: " + text);
    }
    if (result.ok()) check(static_cast<int>(result.hits.size()) <= query.limit, "past the limit");
    return 0;
}

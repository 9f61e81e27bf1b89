// SearchQuery: the text form of a pubsub cache search (doc/search.md) and the SQL a
// search runs, with every value bound and field paths checked before use.
#pragma once

#include "roost/PubsubStore.hpp"
#include "src/storage/BoundSql.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace roost::storage {

// `title contains "roost" and published > "2024-01-01T00:00:00Z" order by published desc
// limit 20`.
// The profile is left for the caller to fill unless the text names one (profile:"x").
pubsub::ParsedSearch parse_search_query(std::string_view text);

// "author.name" -> `$."author"."name"`; nullopt for a path outside the grammar.
std::optional<std::string> json_path(std::string_view field_path);

// Words of `text` as an FTS5 query where each word is a quoted string, so that FTS5
// operators typed by a user are searched for, never obeyed.
std::string fts_match(std::string_view text);

// The SELECT a search runs (columns: profile, service, node, type, item_id, raw_xml,
// publisher, parsed, parse_error, search_text, created, updated), asking for one row
// past the limit to tell whether there are more; or why the query cannot run.
// With `text_matches`, the items known to match the full-text words stand for them.
std::variant<BoundSql, pubsub::SearchError> search_sql(
    const pubsub::SearchQuery& query, const std::vector<std::int64_t>* text_matches = nullptr);

}  // namespace roost::storage

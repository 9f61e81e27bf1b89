// SPDX-License-Identifier: MIT
// SearchSql: the SQL a pubsub cache search runs, with every value bound and field
// paths checked before use, whether the query came as text or as JSON.
#pragma once

#include "roost/PubsubStore.hpp"
#include "src/storage/BoundSql.hpp"
#include "src/storage/FieldIndexes.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace roost::storage {

// "author.name" -> `$."author"."name"`; nullopt for a path outside the grammar.
std::optional<std::string> json_path(std::string_view field_path);

// Why comparing with `value` is a mistake rather than a search for that text: a string
// that begins like a date but is none. The parser tells it with its column.
std::optional<std::string> date_mistake(pubsub::SearchOp op, const nlohmann::json& value);

// Words of `text` as an FTS5 query where each word is a quoted string, so that FTS5
// operators typed by a user are searched for, never obeyed.
std::string fts_match(std::string_view text);

// The SELECT a search runs (columns: profile, service, node, type, item_id, raw_xml,
// publisher, parsed, parse_error, search_text, created, updated), asking for one row
// past the limit to tell whether there are more; or why the query cannot run.
// Conditions on fields that `indexes` holds use their indexes. With `text_matches`, the
// items known to match the full-text words stand for them.
std::variant<BoundSql, pubsub::SearchError> search_sql(
    const pubsub::SearchQuery& query, const FieldIndexes& indexes,
    const std::vector<std::int64_t>* text_matches = nullptr);

}  // namespace roost::storage

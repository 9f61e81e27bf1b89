// SPDX-License-Identifier: MIT
// FieldIndexes: the JSON fields the pubsub cache indexes (migration 0009), the indexes
// made when an analyser declares one, and the expressions a search writes to use them.
#pragma once

#include "roost/IndexedField.hpp"
#include "src/storage/BoundSql.hpp"
#include "src/storage/Database.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace roost::storage {

// The field at `json_path` of `column`: json_extract(<column>, '<path>'), and its
// instant, rfc3339_ms(json_extract(...)). SQLite uses an index on an expression only
// for the same expression, so the path is a literal here as in the index, not a bound
// value; json_path() lets no quote through, and these throw std::invalid_argument
// rather than write one.
std::string field_value_sql(std::string_view column, std::string_view json_path);
std::string field_instant_sql(std::string_view column, std::string_view json_path);

class FieldIndexes {
public:
    // What `db` indexes now.
    static FieldIndexes load(Database& db);

    // Makes the index of `field` unless it exists: one statement that reads every item
    // (a list field's members are copied into pubsub_item_terms). Throws
    // std::invalid_argument for a path outside the search grammar or a field past
    // kMaxIndexedFields.
    void declare(Database& db, const pubsub::IndexedField& field);

    // The id of the index of this kind on `json_path`, when there is one.
    std::optional<std::int64_t> find(const std::string& json_path,
                                     pubsub::FieldIndexKind kind) const;

    // The rows pubsub_item_terms holds for an item whose JSON is `parsed`, as the 0009
    // triggers make them from the stored text: each declared list's members (field id,
    // member). The store writes those of new items itself, from the JSON it has parsed
    // already: a trigger parsing the text again cost a third of the ingest rate.
    std::vector<std::pair<std::int64_t, SqlValue>> list_terms(const nlohmann::json& parsed) const;

private:
    std::map<std::pair<std::string, pubsub::FieldIndexKind>, std::int64_t> ids_;
};

}  // namespace roost::storage

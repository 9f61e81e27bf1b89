// SPDX-License-Identifier: MIT
// FieldIndexes: rows of pubsub_indexed_fields, each with its index on pubsub_items (a
// value then the update time, or a date's instant then its text, which is also ordering
// by the field) or, for a list, its members in pubsub_item_terms.
#include "src/storage/FieldIndexes.hpp"

#include "src/storage/SearchSql.hpp"
#include "src/storage/SqlFunctions.hpp"

#include <stdexcept>

namespace roost::storage {
namespace {

using pubsub::FieldIndexKind;

std::string_view kind_name(FieldIndexKind kind) {
    switch (kind) {
        case FieldIndexKind::Value: return "value";
        case FieldIndexKind::DateTime: return "date_time";
        case FieldIndexKind::List: return "list";
    }
    return "value";
}

std::optional<FieldIndexKind> kind_of(std::string_view name) {
    for (auto kind : {FieldIndexKind::Value, FieldIndexKind::DateTime, FieldIndexKind::List})
        if (kind_name(kind) == name) return kind;
    return std::nullopt;
}

}  // namespace

std::string field_value_sql(std::string_view column, std::string_view json_path) {
    if (json_path.find('\'') != std::string_view::npos)
        throw std::invalid_argument("a JSON path with a quote cannot be written as a literal");
    return "json_extract(" + std::string(column) + ", '" + std::string(json_path) + "')";
}

std::string field_instant_sql(std::string_view column, std::string_view json_path) {
    return std::string(kDateTimeMsFunction) + "(" + field_value_sql(column, json_path) + ")";
}

FieldIndexes FieldIndexes::load(Database& db) {
    FieldIndexes indexes;
    auto rows = db.prepare("SELECT id, path, kind FROM pubsub_indexed_fields");
    while (rows.executeStep()) {
        // A kind this Roost does not know (a newer one wrote it) is not used.
        if (auto kind = kind_of(rows.getColumn(2).getString()))
            indexes.ids_[{rows.getColumn(1).getString(), *kind}] = rows.getColumn(0).getInt64();
    }
    return indexes;
}

void FieldIndexes::declare(Database& db, const pubsub::IndexedField& field) {
    auto path = json_path(field.path);
    if (!path) throw std::invalid_argument("cannot index '" + field.path + "': not a field path");
    if (find(*path, field.kind)) return;
    auto transaction = db.transaction();
    std::int64_t id =
        db.sqlite().execAndGet("SELECT coalesce(max(id), 0) + 1 FROM pubsub_indexed_fields");
    if (id > pubsub::kMaxIndexedFields)
        throw std::invalid_argument("cannot index '" + field.path +
                                    "': " + std::to_string(pubsub::kMaxIndexedFields) +
                                    " fields are indexed already");
    auto insert = db.prepare("INSERT INTO pubsub_indexed_fields (id, path, kind) VALUES (?, ?, ?)");
    insert.bind(1, id);
    insert.bind(2, *path);
    insert.bind(3, std::string(kind_name(field.kind)));
    insert.exec();
    std::string index =
        "CREATE INDEX pubsub_items_field_" + std::to_string(id) + " ON pubsub_items(";
    switch (field.kind) {
        case FieldIndexKind::Value:
            // Then the update time: an equality's items come in the order searches
            // give by default, so that the first 20 are read and not sorted out of all.
            db.exec(index + field_value_sql("parsed", *path) + ", updated)");
            break;
        case FieldIndexKind::DateTime:
            db.exec(index + field_instant_sql("parsed", *path) + ", " +
                    field_value_sql("parsed", *path) + ")");
            break;
        case FieldIndexKind::List: {
            // As the insert trigger of 0009 does for each new item.
            auto copy = db.prepare(
                "INSERT OR IGNORE INTO pubsub_item_terms (field_id, term, updated, item_id) "
                "SELECT ?, e.value, i.updated, i.id FROM pubsub_items i, json_each(i.parsed, ?) e "
                "WHERE i.parsed IS NOT NULL AND typeof(e.key) = 'integer' AND e.type <> 'null'");
            copy.bind(1, id);
            copy.bind(2, *path);
            copy.exec();
            break;
        }
    }
    transaction.commit();
    ids_[{*path, field.kind}] = id;
}

std::optional<std::int64_t> FieldIndexes::find(const std::string& json_path,
                                               FieldIndexKind kind) const {
    auto found = ids_.find({json_path, kind});
    if (found == ids_.end()) return std::nullopt;
    return found->second;
}

}  // namespace roost::storage

// SPDX-License-Identifier: MIT
// FieldIndexes: rows of pubsub_indexed_fields, each with its index on pubsub_items (a
// value then the update time, or a date's instant) or, for a list, its members in
// pubsub_item_terms.
#include "src/storage/FieldIndexes.hpp"

#include "src/storage/SearchSql.hpp"
#include "src/storage/SqlFunctions.hpp"

#include <cstdint>
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

// The value at `json_path` ($."name"[index]... as json_path() writes it) in `root`;
// nullptr when it is not there.
const nlohmann::json* at_path(const nlohmann::json& root, std::string_view json_path) {
    const nlohmann::json* at = &root;
    std::size_t pos = 1;  // past '$'
    while (pos < json_path.size() && at != nullptr) {
        if (json_path.compare(pos, 2, ".\"") == 0) {
            std::size_t end = json_path.find('"', pos + 2);
            if (end == std::string_view::npos || !at->is_object()) return nullptr;
            auto found = at->find(std::string(json_path.substr(pos + 2, end - pos - 2)));
            at = found == at->end() ? nullptr : &*found;
            pos = end + 1;
        } else if (json_path[pos] == '[') {
            std::size_t end = json_path.find(']', pos);
            if (end == std::string_view::npos || !at->is_array()) return nullptr;
            auto index = std::stoul(std::string(json_path.substr(pos + 1, end - pos - 1)));
            at = index < at->size() ? &(*at)[index] : nullptr;
            pos = end + 1;
        } else {
            return nullptr;
        }
    }
    return at;
}

bool is_ascii(const std::string& text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

// A member as json_each() reads it back from the stored text (json_text()): numbers and
// text as they are, true and false as 1 and 0, a list or an object as its JSON text.
std::optional<SqlValue> term_of(const nlohmann::json& member) {
    switch (member.type()) {
        case nlohmann::json::value_t::null: return std::nullopt;
        case nlohmann::json::value_t::boolean: return std::int64_t{member.get<bool>() ? 1 : 0};
        case nlohmann::json::value_t::number_integer: return member.get<std::int64_t>();
        case nlohmann::json::value_t::number_unsigned:
            if (member.get<std::uint64_t>() <= INT64_MAX) return member.get<std::int64_t>();
            return member.get<double>();
        case nlohmann::json::value_t::number_float: return member.get<double>();
        case nlohmann::json::value_t::string: {
            const auto& text = member.get_ref<const std::string&>();
            if (is_ascii(text)) return text;
            // Stored text has invalid UTF-8 replaced: read the member as it was stored.
            return nlohmann::json::parse(json_text(member)).get<std::string>();
        }
        default: return json_text(member);
    }
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
            // The instant alone: ordering by the field reads it in order and sorts only
            // equal instants by their text (each json_extract() in an index parses the
            // item's JSON once more on every write).
            db.exec(index + field_instant_sql("parsed", *path) + ")");
            break;
        case FieldIndexKind::List: {
            // The items stored before: as 0009's update trigger reads an edited item's
            // members (new items get theirs from the store, list_terms()).
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

std::vector<std::pair<std::int64_t, SqlValue>> FieldIndexes::list_terms(
    const nlohmann::json& parsed) const {
    std::vector<std::pair<std::int64_t, SqlValue>> terms;
    if (parsed.is_null()) return terms;
    for (const auto& [field, id] : ids_) {
        if (field.second != FieldIndexKind::List) continue;
        const nlohmann::json* list = at_path(parsed, field.first);
        if (list == nullptr || !list->is_array()) continue;
        for (const auto& member : *list) {
            if (auto term = term_of(member)) terms.emplace_back(id, std::move(*term));
        }
    }
    return terms;
}

std::optional<std::int64_t> FieldIndexes::find(const std::string& json_path,
                                               FieldIndexKind kind) const {
    auto found = ids_.find({json_path, kind});
    if (found == ids_.end()) return std::nullopt;
    return found->second;
}

}  // namespace roost::storage

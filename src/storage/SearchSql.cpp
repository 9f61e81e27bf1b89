// SPDX-License-Identifier: MIT
// SearchSql: a SearchQuery compiled to one SELECT, its conditions as json_extract()
// comparisons on bound values, dates compared as instants.
#include "src/storage/SearchSql.hpp"

#include "src/storage/FieldIndexes.hpp"
#include "src/storage/Rfc3339.hpp"
#include "src/storage/SearchLexer.hpp"
#include "src/storage/SqlFunctions.hpp"

#include <cctype>

namespace roost::storage {
namespace {

using nlohmann::json;
using pubsub::FieldCondition;
using pubsub::FieldIndexKind;
using pubsub::SearchError;
using pubsub::SearchOp;
using pubsub::SearchQuery;
using search::is_digit;
using search::is_word_char;
using search::is_word_start;

bool is_comparison(SearchOp op) { return op != SearchOp::Contains && op != SearchOp::In; }

const char* kColumns =
    "SELECT p.name, n.service, n.node, n.type, i.item_id, i.raw_xml, i.publisher, i.parsed, "
    "i.parse_error, i.search_text, i.created, i.updated ";
// With words, the items are those full-text search found, looked up by id; with a
// declared field and no node named, those its index finds. A unary + on i.node_id keeps
// the planner from walking their nodes' indexes instead (without statistics it cannot
// tell how few they are; walking a 100,000-item node made a windowed search 11 ms, not
// 0.3, and a declared field's filter 120 ms).
// A declared list's members, kept in update order, may lead instead (t, IndexUse).
std::string items_of_nodes(bool found_elsewhere, bool from_terms) {
    return std::string(from_terms ? "FROM pubsub_item_terms t JOIN pubsub_items i ON i.id = "
                                    "t.item_id "
                                  : "FROM pubsub_items i ") +
           "JOIN pubsub_nodes n ON n.id = " + (found_elsewhere ? "+" : "") +
           "i.node_id JOIN profiles p ON p.id = n.profile_id WHERE 1";
}

SqlValue sql_value(const json& value) {
    if (value.is_boolean()) return std::int64_t{value.get<bool>() ? 1 : 0};
    if (value.is_number_integer()) return value.get<std::int64_t>();
    if (value.is_number()) return value.get<double>();
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return nullptr;
    return json_text(value);
}

// The json_type() values a field must have to compare with `value`.
std::string type_test(const json& value) {
    if (value.is_number()) return " IN ('integer', 'real')";
    if (value.is_string()) return " = 'text'";
    if (value.is_boolean()) return value.get<bool>() ? " = 'true'" : " = 'false'";
    if (value.is_null()) return " = 'null'";
    return " IN ('array', 'object')";
}

// What a search's conditions and order took from the declared fields' indexes.
struct IndexUse {
    bool any = false;
    // An equality on a value index, which holds its items in update order.
    bool in_update_order = false;
    // Whether a list's members may lead (the search is in update order), and whether
    // one does: its rows in pubsub_item_terms are `t`, in update order too.
    bool terms_may_lead = false;
    bool terms_lead = false;
};

// How a search names a field: by the expression of its index when the database has
// one of that kind (the planner then reads the index), else by json_extract() with the
// path bound. Both give the same values.
class FieldSql {
public:
    // `use` learns of each expression of an index written.
    FieldSql(std::string path, const FieldIndexes& indexes, IndexUse& use)
        : path_(std::move(path)), use_(use) {
        value_indexed_ = indexes.find(path_, FieldIndexKind::Value).has_value();
        date_indexed_ = indexes.find(path_, FieldIndexKind::DateTime).has_value();
        list_id_ = indexes.find(path_, FieldIndexKind::List);
    }

    const std::string& path() const { return path_; }
    bool value_indexed() const { return value_indexed_; }
    // The id of the field's list index: its members are in pubsub_item_terms.
    std::optional<std::int64_t> list_id() const {
        if (list_id_) use_.any = true;
        return list_id_;
    }

    // The field's value, then its instant (NULL when it holds no DateTime); a date's
    // index holds only the instant.
    void value(BoundSql& sql) const {
        if (value_indexed_) {
            sql.add(field_value_sql("i.parsed", path_));
            use_.any = true;
        } else
            sql.add("json_extract(i.parsed, ?)", path_);
    }
    void instant(BoundSql& sql) const {
        if (date_indexed_) {
            sql.add(field_instant_sql("i.parsed", path_));
            use_.any = true;
        } else
            sql.add(std::string(kDateTimeMsFunction) + "(json_extract(i.parsed, ?))", path_);
    }

private:
    std::string path_;
    IndexUse& use_;
    bool value_indexed_ = false;
    bool date_indexed_ = false;
    std::optional<std::int64_t> list_id_;
};

void equality(BoundSql& sql, const FieldSql& field, const json& value) {
    sql.add("(json_type(i.parsed, ?)" + type_test(value), field.path());
    if (value.is_boolean() || value.is_null()) {
        sql.add(")");
    } else if (value.is_structured()) {
        sql.add(" AND json(json_extract(i.parsed, ?)) = json(?))", field.path(), json_text(value));
    } else {
        sql.add(" AND ");
        field.value(sql);
        sql.add(" = ?)", sql_value(value));
    }
}

// A DateTime compares instants: rfc3339_ms() is NULL for a stored value that is not a
// date, so such a value matches no date comparison, != included.
std::optional<std::int64_t> date_operand(const FieldCondition& condition) {
    if (!is_comparison(condition.op) || !condition.value.is_string()) return std::nullopt;
    return date_time_ms(condition.value.get_ref<const std::string&>());
}

std::optional<SearchError> condition_sql(BoundSql& sql, const FieldCondition& condition,
                                         const FieldIndexes& indexes, IndexUse& use) {
    auto path = json_path(condition.path);
    if (!path) return SearchError{"'" + condition.path + "' is not a field path"};
    const FieldSql field(*path, indexes, use);
    const json& value = condition.value;
    std::string op(pubsub::to_string(condition.op));
    if (auto mistake = date_mistake(condition.op, value))
        return SearchError{condition.path + " " + op + ": " + *mistake};
    if (auto instant = date_operand(condition)) {
        sql.add(" AND ");
        field.instant(sql);
        sql.add(" " + op + " ?", *instant);
        return std::nullopt;
    }
    switch (condition.op) {
        case SearchOp::Eq:
            sql.add(" AND ");
            equality(sql, field, value);
            if (field.value_indexed() && (value.is_string() || value.is_number()))
                use.in_update_order = true;
            return std::nullopt;
        case SearchOp::Ne:
            sql.add(" AND json_type(i.parsed, ?) IS NOT NULL AND NOT ", *path);
            equality(sql, field, value);
            return std::nullopt;
        case SearchOp::Gt:
        case SearchOp::Ge:
        case SearchOp::Lt:
        case SearchOp::Le:
            if (!value.is_number() && !value.is_string())
                return SearchError{condition.path + " " + op +
                                   ": compare with a number or a string"};
            sql.add(" AND json_type(i.parsed, ?)" + type_test(value) + " AND ", *path);
            field.value(sql);
            sql.add(" " + op + " ?", sql_value(value));
            return std::nullopt;
        case SearchOp::Contains:
            if (value.is_structured() || value.is_null())
                return SearchError{condition.path + " contains: give a string or a number"};
            // A declared list: its members as the 0009 triggers copied them.
            if (auto list = field.list_id()) {
                if (use.terms_may_lead && !use.terms_lead) {
                    use.terms_lead = true;
                    sql.add(" AND t.field_id = ? AND t.term = ?", *list, sql_value(value));
                } else {
                    sql.add(" AND i.id IN (SELECT item_id FROM pubsub_item_terms "
                            "WHERE field_id = ? AND term = ?)",
                            *list, sql_value(value));
                }
                return std::nullopt;
            }
            // instr(), not LIKE: '%' and '_' typed by a user stay literal.
            sql.add(" AND CASE json_type(i.parsed, ?)", *path);
            if (value.is_string())
                sql.add(" WHEN 'text' THEN instr(lower(json_extract(i.parsed, ?)), lower(?)) > 0",
                        *path, sql_value(value));
            sql.add(" WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(i.parsed, ?) "
                    "WHERE value = ?) ELSE 0 END",
                    *path, sql_value(value));
            return std::nullopt;
        case SearchOp::In:
            if (!value.is_array()) return SearchError{condition.path + " in: give a list"};
            sql.add(" AND json_type(i.parsed, ?) NOT IN ('array', 'object') AND ", *path);
            field.value(sql);
            sql.add(" IN (SELECT value FROM json_each(?))", json_text(value));
            return std::nullopt;
    }
    return SearchError{"unknown operator"};
}

std::optional<SearchError> order_sql(BoundSql& sql, const pubsub::SearchOrder& order,
                                     const FieldIndexes& indexes, IndexUse& use) {
    std::string direction = order.descending ? " DESC" : " ASC";
    if (use.terms_lead) {
        // The same order as i.updated, i.id: the triggers keep t.updated the item's.
        sql.add(" ORDER BY t.updated" + direction + ", t.item_id" + direction);
        return std::nullopt;
    }
    if (order.field == "created" || order.field == "updated") {
        // After a declared field's filter, sort what its index found (+ keeps the planner
        // from walking every item in this order instead, hoping to meet 20 soon), unless
        // the index of an equality holds them in update order already.
        bool sort_found = use.any && !(order.field == "updated" && use.in_update_order);
        sql.add(std::string(" ORDER BY ") + (sort_found ? "+" : "") + "i." + order.field +
                direction);
    } else if (auto path = json_path(order.field)) {
        // Dates by instant first; other values have no instant (NULL) and keep their
        // own order among themselves, as missing fields do. A date index holds both.
        const FieldSql field(*path, indexes, use);
        sql.add(" ORDER BY ");
        field.instant(sql);
        sql.add(direction + ", ");
        field.value(sql);
        sql.add(direction);
    } else {
        return SearchError{"cannot order by '" + order.field +
                           "': give created, updated or a field path"};
    }
    sql.add(", i.id" + direction);
    return std::nullopt;
}

std::optional<SearchError> check_bounds(const SearchQuery& query) {
    if (!query.scope.all_profiles && query.scope.profile.empty())
        return SearchError{"no profile to search: name one, or ask for all profiles"};
    if (query.limit < 1 || query.limit > SearchQuery::kMaxLimit)
        return SearchError{"limit " + std::to_string(query.limit) + " is out of range (1 to " +
                           std::to_string(SearchQuery::kMaxLimit) + ")"};
    if (query.offset < 0) return SearchError{"offset cannot be negative"};
    return std::nullopt;
}

// FTS5 reads its query only up to a NUL byte, which would leave a quote open: a NUL
// separates words like a space does.
bool is_fts_space(char c) { return c == '\0' || std::isspace(static_cast<unsigned char>(c)); }

}  // namespace

// A comparison with a string that begins like a date but is none is a mistake, not a
// search for that text: say so rather than find nothing.
std::optional<std::string> date_mistake(SearchOp op, const json& value) {
    if (!is_comparison(op) || !value.is_string()) return std::nullopt;
    const auto& text = value.get_ref<const std::string&>();
    DateReading reading = read_date(text);
    if (reading.kind != DateReading::Kind::Invalid) return std::nullopt;
    return "\"" + text + "\" is not a valid date: " + reading.problem;
}

std::optional<std::string> json_path(std::string_view field_path) {
    std::string path = "$";
    std::size_t pos = 0;
    while (pos <= field_path.size()) {
        std::size_t end = field_path.find('.', pos);
        if (end == std::string_view::npos) end = field_path.size();
        std::string_view part = field_path.substr(pos, end - pos);
        std::size_t name_end = part.find('[');
        std::string_view name = part.substr(0, name_end);
        if (name.empty() || !is_word_start(name[0])) return std::nullopt;
        for (char c : name) {
            if (!is_word_char(c) || c == '.') return std::nullopt;
        }
        path += ".\"" + std::string(name) + "\"";
        for (std::string_view rest = part.substr(name.size()); !rest.empty();) {
            std::size_t close = rest.find(']');
            if (rest[0] != '[' || close == std::string_view::npos || close < 2 || close > 10)
                return std::nullopt;
            std::string_view index = rest.substr(1, close - 1);
            for (char c : index) {
                if (!is_digit(c)) return std::nullopt;
            }
            path += "[" + std::string(index) + "]";
            rest = rest.substr(close + 1);
        }
        pos = end + 1;
    }
    return path;
}

std::string fts_match(std::string_view text) {
    std::string match;
    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && is_fts_space(text[pos])) ++pos;
        std::size_t end = pos;
        while (end < text.size() && !is_fts_space(text[end])) ++end;
        if (end == pos) break;
        std::string word;
        for (char c : text.substr(pos, end - pos))
            word += c == '"' ? std::string("\"\"") : std::string(1, c);
        match += (match.empty() ? "\"" : " \"") + word + "\"";
        pos = end;
    }
    return match;
}

std::variant<BoundSql, SearchError> search_sql(const SearchQuery& query,
                                               const FieldIndexes& indexes,
                                               const std::vector<std::int64_t>* text_matches) {
    if (auto error = check_bounds(query)) return *error;
    // Conditions and order first: whether they read an index decides the FROM clause.
    BoundSql fields;
    IndexUse use;
    use.terms_may_lead = query.order.field == "updated";
    for (const auto& condition : query.conditions) {
        if (auto error = condition_sql(fields, condition, indexes, use)) return *error;
    }
    if (auto error = order_sql(fields, query.order, indexes, use)) return *error;

    BoundSql sql;
    sql.add(kColumns +
            items_of_nodes(!query.text.empty() || (use.any && !query.node), use.terms_lead));
    if (!query.scope.all_profiles) sql.add(" AND p.name = ?", query.scope.profile);
    if (query.service) sql.add(" AND n.service = ?", *query.service);
    if (query.node) sql.add(" AND n.node = ?", *query.node);
    if (query.type) sql.add(" AND n.type = ?", *query.type);
    if (!query.text.empty()) {
        std::string match = fts_match(query.text);
        if (match.empty()) return SearchError{"full-text search needs at least one word"};
        if (text_matches)
            sql.add(" AND i.id IN (SELECT value FROM json_each(?))", json_text(*text_matches));
        else
            sql.add(" AND i.id IN (SELECT rowid FROM pubsub_items_fts WHERE pubsub_items_fts "
                    "MATCH ?)",
                    match);
    }
    sql.sql += fields.sql;
    sql.params.insert(sql.params.end(), fields.params.begin(), fields.params.end());
    sql.add(" LIMIT ? OFFSET ?", std::int64_t{query.limit + 1}, std::int64_t{query.offset});
    return sql;
}

}  // namespace roost::storage

// SearchQuery: a small tokenizer and recursive-descent parser for search text, and the
// SQL builder that turns conditions into json_extract() comparisons on bound values.
#include "src/storage/SearchQuery.hpp"

#include "src/storage/Rfc3339.hpp"
#include "src/storage/SqlFunctions.hpp"

#include <cctype>
#include <stdexcept>
#include <vector>

namespace roost::storage {
namespace {

using nlohmann::json;
using pubsub::FieldCondition;
using pubsub::SearchError;
using pubsub::SearchOp;
using pubsub::SearchQuery;

// ---- Tokens ----

enum class TokenKind { Word, Prefix, String, Number, Operator, LBracket, RBracket, Comma, End };

struct Token {
    TokenKind kind;
    std::string text;
    std::size_t column;  // 1-based, for messages
};

// Thrown inside the parser only; parse_search_query turns it into a SearchError.
struct ParseFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail_at(std::size_t column, const std::string& what) {
    throw ParseFailure("at column " + std::to_string(column) + ": " + what);
}

bool is_word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

class Tokenizer {
public:
    explicit Tokenizer(std::string_view text) : text_(text) {}

    std::vector<Token> run() {
        std::vector<Token> tokens;
        for (skip_spaces(); pos_ < text_.size(); skip_spaces()) tokens.push_back(next());
        tokens.push_back({TokenKind::End, "", text_.size() + 1});
        return tokens;
    }

private:
    void skip_spaces() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
            ++pos_;
    }

    Token next() {
        std::size_t start = pos_;
        char c = text_[pos_];
        if (c == '"') return string(start);
        if (is_digit(c) || (c == '-' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1])))
            return number(start);
        if (is_word_start(c)) return word(start);
        if (c == '[') return single(TokenKind::LBracket, start);
        if (c == ']') return single(TokenKind::RBracket, start);
        if (c == ',') return single(TokenKind::Comma, start);
        return op(start);
    }

    Token single(TokenKind kind, std::size_t start) {
        ++pos_;
        return {kind, std::string(1, text_[start]), start + 1};
    }

    Token string(std::size_t start) {
        std::string value;
        for (++pos_; pos_ < text_.size(); ++pos_) {
            char c = text_[pos_];
            if (c == '"') {
                ++pos_;
                return {TokenKind::String, value, start + 1};
            }
            if (c == '\\' && pos_ + 1 < text_.size()) c = text_[++pos_];
            value += c;
        }
        fail_at(start + 1, "string not closed (add a \")");
    }

    Token number(std::size_t start) {
        auto in_number = [](char c) {
            return is_digit(c) || std::string_view(".eE+-").find(c) != std::string_view::npos;
        };
        for (++pos_; pos_ < text_.size() && in_number(text_[pos_]);) ++pos_;
        return {TokenKind::Number, std::string(text_.substr(start, pos_ - start)), start + 1};
    }

    // Words may carry array indexes ("tags[0]"); a word ending in ':' is a prefix ("fts:").
    Token word(std::size_t start) {
        while (pos_ < text_.size()) {
            if (is_word_char(text_[pos_])) {
                ++pos_;
            } else if (text_[pos_] == '[' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1])) {
                while (pos_ < text_.size() && text_[pos_] != ']') ++pos_;
                if (pos_ < text_.size()) ++pos_;
            } else {
                break;
            }
        }
        std::string text(text_.substr(start, pos_ - start));
        if (pos_ < text_.size() && text_[pos_] == ':') {
            ++pos_;
            return {TokenKind::Prefix, text, start + 1};
        }
        return {TokenKind::Word, text, start + 1};
    }

    Token op(std::size_t start) {
        for (std::string_view candidate : {"==", "!=", ">=", "<=", ">", "<", "="}) {
            if (text_.substr(pos_).starts_with(candidate)) {
                pos_ += candidate.size();
                return {TokenKind::Operator, std::string(candidate), start + 1};
            }
        }
        fail_at(start + 1, "unexpected character '" + std::string(1, text_[start]) + "'");
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string describe(const Token& token) {
    switch (token.kind) {
        case TokenKind::End: return "the end";
        case TokenKind::String: return "\"" + token.text + "\"";
        case TokenKind::Prefix: return "'" + token.text + ":'";
        default: return "'" + token.text + "'";
    }
}

// ---- Dates ----

bool is_comparison(SearchOp op) { return op != SearchOp::Contains && op != SearchOp::In; }

// A comparison with a string that begins like a date but is none is a mistake, not a
// search for that text: say so rather than find nothing.
std::optional<std::string> date_mistake(SearchOp op, const json& value) {
    if (!is_comparison(op) || !value.is_string()) return std::nullopt;
    const auto& text = value.get_ref<const std::string&>();
    DateReading reading = read_date(text);
    if (reading.kind != DateReading::Kind::Invalid) return std::nullopt;
    return "\"" + text + "\" is not a valid date: " + reading.problem;
}

// ---- Parser ----

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

    SearchQuery run() {
        SearchQuery query;
        if (!at_keyword("order") && !at_keyword("limit") && !at_keyword("offset") && !at_end()) {
            clause(query);
            while (at_keyword("and")) {
                ++pos_;
                clause(query);
            }
        }
        if (at_keyword("order")) order(query);
        if (at_keyword("limit")) query.limit = integer_after("limit");
        if (at_keyword("offset")) query.offset = integer_after("offset");
        if (!at_end()) fail_at(peek().column, "expected 'and', 'order by', 'limit' or "
                                              "'offset', found " + describe(peek()));
        return query;
    }

private:
    const Token& peek() const { return tokens_[pos_]; }
    bool at_end() const { return peek().kind == TokenKind::End; }
    bool at_keyword(std::string_view keyword) const {
        return peek().kind == TokenKind::Word && lower(peek().text) == keyword;
    }
    const Token& take() { return tokens_[at_end() ? pos_ : pos_++]; }

    void clause(SearchQuery& query) {
        if (peek().kind == TokenKind::Prefix) return prefixed(query);
        const Token& field = take();
        if (field.kind != TokenKind::Word)
            fail_at(field.column, "expected a field, found " + describe(field));
        if (!json_path(field.text))
            fail_at(field.column, "'" + field.text + "' is not a field path (letters, digits, "
                                  "_ and -, parts joined by '.', indexes as [0])");
        FieldCondition condition{field.text, operation(field), nullptr};
        const std::size_t value_column = peek().column;
        condition.value = value();
        if (auto mistake = date_mistake(condition.op, condition.value))
            fail_at(value_column, *mistake);
        if (condition.op == SearchOp::In && !condition.value.is_array())
            fail_at(field.column, "'in' takes a list, as in " + field.text + " in [\"a\", \"b\"]");
        query.conditions.push_back(std::move(condition));
    }

    void prefixed(SearchQuery& query) {
        const Token& prefix = take();
        const Token& argument = take();
        if (argument.kind != TokenKind::String && argument.kind != TokenKind::Word)
            fail_at(argument.column, "'" + prefix.text + ":' takes a quoted string");
        std::string name = lower(prefix.text);
        if (name == "fts") {
            query.text += (query.text.empty() ? "" : " ") + argument.text;
        } else if (name == "service") {
            query.service = argument.text;
        } else if (name == "node") {
            query.node = argument.text;
        } else if (name == "type") {
            query.type = argument.text;
        } else if (name == "profile") {
            query.scope = pubsub::ProfileScope::only(argument.text);
        } else {
            fail_at(prefix.column, "unknown filter '" + prefix.text +
                                       ":' (known: fts:, service:, node:, type:, profile:)");
        }
    }

    SearchOp operation(const Token& field) {
        const Token& token = take();
        if (token.kind == TokenKind::Operator) {
            const std::string& t = token.text;
            if (t == "==" || t == "=") return SearchOp::Eq;
            if (t == "!=") return SearchOp::Ne;
            if (t == ">") return SearchOp::Gt;
            if (t == ">=") return SearchOp::Ge;
            if (t == "<") return SearchOp::Lt;
            if (t == "<=") return SearchOp::Le;
        }
        if (token.kind == TokenKind::Word && lower(token.text) == "contains")
            return SearchOp::Contains;
        if (token.kind == TokenKind::Word && lower(token.text) == "in") return SearchOp::In;
        fail_at(token.column, "expected an operator after '" + field.text +
                                  "' (==, !=, >, >=, <, <=, contains, in), found " +
                                  describe(token));
    }

    json value() {
        const Token& token = take();
        switch (token.kind) {
            case TokenKind::String: return token.text;
            case TokenKind::Number: return number(token);
            case TokenKind::LBracket: return list();
            case TokenKind::Word: {
                std::string word = lower(token.text);
                if (word == "true") return true;
                if (word == "false") return false;
                if (word == "null") return nullptr;
                break;
            }
            default: break;
        }
        fail_at(token.column, "expected a value (\"text\", a number, true, false, null or "
                              "[list]), found " + describe(token));
    }

    static json number(const Token& token) {
        json parsed = json::parse(token.text, nullptr, false);
        if (!parsed.is_number()) fail_at(token.column, "'" + token.text + "' is not a number");
        return parsed;
    }

    json list() {
        json items = json::array();
        if (peek().kind == TokenKind::RBracket) {
            ++pos_;
            return items;
        }
        for (;;) {
            items.push_back(value());
            const Token& token = take();
            if (token.kind == TokenKind::RBracket) return items;
            if (token.kind != TokenKind::Comma)
                fail_at(token.column, "expected ',' or ']' in a list, found " + describe(token));
        }
    }

    void order(SearchQuery& query) {
        ++pos_;
        if (!at_keyword("by")) fail_at(peek().column, "expected 'by' after 'order'");
        ++pos_;
        const Token& key = take();
        if (key.kind != TokenKind::Word)
            fail_at(key.column, "expected a field to order by, found " + describe(key));
        query.order.field = key.text;
        query.order.descending = false;
        if (at_keyword("asc") || at_keyword("desc"))
            query.order.descending = lower(take().text) == "desc";
    }

    int integer_after(const std::string& keyword) {
        ++pos_;
        const Token& token = take();
        if (token.kind != TokenKind::Number || token.text.find_first_not_of("0123456789") !=
                                                   std::string::npos ||
            token.text.size() > 9)
            fail_at(token.column, "'" + keyword + "' takes a whole number, found " +
                                      describe(token));
        return std::stoi(token.text);
    }

    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
};

// ---- SQL ----

const char* kSelect =
    "SELECT p.name, n.service, n.node, n.type, i.item_id, i.raw_xml, i.publisher, i.parsed, "
    "i.parse_error, i.search_text, i.created, i.updated "
    "FROM pubsub_items i JOIN pubsub_nodes n ON n.id = i.node_id "
    "JOIN profiles p ON p.id = n.profile_id WHERE 1";

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

void equality(BoundSql& sql, const std::string& path, const json& value) {
    sql.add("(json_type(i.parsed, ?)" + type_test(value), path);
    if (value.is_boolean() || value.is_null()) {
        sql.add(")");
    } else if (value.is_structured()) {
        sql.add(" AND json(json_extract(i.parsed, ?)) = json(?))", path, json_text(value));
    } else {
        sql.add(" AND json_extract(i.parsed, ?) = ?)", path, sql_value(value));
    }
}

// The instant of the field at the bound path; NULL when it holds no DateTime.
std::string field_instant() {
    return std::string(kDateTimeMsFunction) + "(json_extract(i.parsed, ?))";
}

// A DateTime compares instants: rfc3339_ms() is NULL for a stored value that is not a
// date, so such a value matches no date comparison, != included.
std::optional<std::int64_t> date_operand(const FieldCondition& condition) {
    if (!is_comparison(condition.op) || !condition.value.is_string()) return std::nullopt;
    return date_time_ms(condition.value.get_ref<const std::string&>());
}

std::optional<SearchError> condition_sql(BoundSql& sql, const FieldCondition& condition) {
    auto path = json_path(condition.path);
    if (!path) return SearchError{"'" + condition.path + "' is not a field path"};
    const json& value = condition.value;
    std::string op(pubsub::to_string(condition.op));
    if (auto mistake = date_mistake(condition.op, value))
        return SearchError{condition.path + " " + op + ": " + *mistake};
    if (auto instant = date_operand(condition)) {
        sql.add(" AND " + field_instant() + " " + op + " ?", *path, *instant);
        return std::nullopt;
    }
    switch (condition.op) {
        case SearchOp::Eq:
            sql.add(" AND ");
            equality(sql, *path, value);
            return std::nullopt;
        case SearchOp::Ne:
            sql.add(" AND json_type(i.parsed, ?) IS NOT NULL AND NOT ", *path);
            equality(sql, *path, value);
            return std::nullopt;
        case SearchOp::Gt:
        case SearchOp::Ge:
        case SearchOp::Lt:
        case SearchOp::Le:
            if (!value.is_number() && !value.is_string())
                return SearchError{condition.path + " " + op +
                                   ": compare with a number or a string"};
            sql.add(" AND json_type(i.parsed, ?)" + type_test(value) +
                        " AND json_extract(i.parsed, ?) " + op + " ?",
                    *path, *path, sql_value(value));
            return std::nullopt;
        case SearchOp::Contains:
            if (value.is_structured() || value.is_null())
                return SearchError{condition.path + " contains: give a string or a number"};
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
            sql.add(" AND json_type(i.parsed, ?) NOT IN ('array', 'object') AND "
                    "json_extract(i.parsed, ?) IN (SELECT value FROM json_each(?))",
                    *path, *path, json_text(value));
            return std::nullopt;
    }
    return SearchError{"unknown operator"};
}

std::optional<SearchError> order_sql(BoundSql& sql, const pubsub::SearchOrder& order) {
    std::string direction = order.descending ? " DESC" : " ASC";
    if (order.field == "created" || order.field == "updated") {
        sql.add(" ORDER BY i." + order.field + direction);
    } else if (auto path = json_path(order.field)) {
        // Dates by instant first; other values have no instant (NULL) and keep their
        // own order among themselves, as missing fields do.
        sql.add(" ORDER BY " + field_instant() + direction + ", json_extract(i.parsed, ?)" +
                    direction,
                *path, *path);
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

}  // namespace

pubsub::ParsedSearch parse_search_query(std::string_view text) {
    try {
        return {Parser(Tokenizer(text).run()).run(), std::nullopt};
    } catch (const ParseFailure& e) {
        return {std::nullopt, SearchError{std::string("search query ") + e.what()}};
    }
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

// FTS5 reads its query only up to a NUL byte, which would leave a quote open: a NUL
// separates words like a space does.
bool is_fts_space(char c) { return c == '\0' || std::isspace(static_cast<unsigned char>(c)); }

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
                                               const std::vector<std::int64_t>* text_matches) {
    if (auto error = check_bounds(query)) return *error;
    BoundSql sql;
    sql.add(kSelect);
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
    for (const auto& condition : query.conditions) {
        if (auto error = condition_sql(sql, condition)) return *error;
    }
    if (auto error = order_sql(sql, query.order)) return *error;
    sql.add(" LIMIT ? OFFSET ?", std::int64_t{query.limit + 1}, std::int64_t{query.offset});
    return sql;
}

}  // namespace roost::storage

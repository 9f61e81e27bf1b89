// SPDX-License-Identifier: MIT
// SearchParser: conditions joined by 'and', then order by, limit and offset; field paths
// and date values are checked as the SQL compiler will check them, but with a column.
#include "src/storage/SearchParser.hpp"

#include "src/storage/SearchLexer.hpp"
#include "src/storage/SearchSql.hpp"

#include <cctype>
#include <vector>

namespace roost::storage {
namespace {

using namespace search;
using nlohmann::json;
using pubsub::SearchOp;
using pubsub::SearchQuery;

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

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
        if (!at_end())
            fail_at(peek().column, "expected 'and', 'order by', 'limit' or "
                                   "'offset', found " +
                                       describe(peek()));
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
            fail_at(field.column, "'" + field.text +
                                      "' is not a field path (letters, digits, "
                                      "_ and -, parts joined by '.', indexes as [0])");
        pubsub::FieldCondition condition{field.text, operation(field), nullptr};
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
                              "[list]), found " +
                                  describe(token));
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
        if (token.kind != TokenKind::Number ||
            token.text.find_first_not_of("0123456789") != std::string::npos ||
            token.text.size() > 9)
            fail_at(token.column,
                    "'" + keyword + "' takes a whole number, found " + describe(token));
        return std::stoi(token.text);
    }

    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
};

}  // namespace

pubsub::ParsedSearch parse_search_query(std::string_view text) {
    try {
        return {Parser(tokenize(text)).run(), std::nullopt};
    } catch (const ParseFailure& e) {
        return {std::nullopt, pubsub::SearchError{std::string("search query ") + e.what()}};
    }
}

}  // namespace roost::storage

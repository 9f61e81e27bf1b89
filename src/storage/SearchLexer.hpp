// SPDX-License-Identifier: MIT
// SearchLexer: search text (doc/search.md) cut into tokens, each with the column it
// starts at, so that a message can say where a query went wrong.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace roost::storage::search {

enum class TokenKind { Word, Prefix, String, Number, Operator, LBracket, RBracket, Comma, End };

struct Token {
    TokenKind kind;
    std::string text;
    std::size_t column;  // 1-based, for messages
};

// Thrown by the lexer and the parser only; parse_search_query turns it into a SearchError.
struct ParseFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail_at(std::size_t column, const std::string& what);

// The characters of words, which field paths are made of too (json_path).
bool is_word_start(char c);
bool is_word_char(char c);
bool is_digit(char c);

// The tokens of `text`, the last of kind End; throws ParseFailure.
std::vector<Token> tokenize(std::string_view text);

// A token as a message names it: "the end", "\"text\"", "'fts:'", "'word'".
std::string describe(const Token& token);

}  // namespace roost::storage::search

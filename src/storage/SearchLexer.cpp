// SPDX-License-Identifier: MIT
// SearchLexer: one pass over the text; strings take backslash escapes, words may carry
// array indexes and end in ':' as a prefix.
#include "src/storage/SearchLexer.hpp"

#include <cctype>

namespace roost::storage::search {
namespace {

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
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
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

}  // namespace

[[noreturn]] void fail_at(std::size_t column, const std::string& what) {
    throw ParseFailure("at column " + std::to_string(column) + ": " + what);
}

bool is_word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::vector<Token> tokenize(std::string_view text) { return Tokenizer(text).run(); }

std::string describe(const Token& token) {
    switch (token.kind) {
        case TokenKind::End: return "the end";
        case TokenKind::String: return "\"" + token.text + "\"";
        case TokenKind::Prefix: return "'" + token.text + ":'";
        default: return "'" + token.text + "'";
    }
}

}  // namespace roost::storage::search

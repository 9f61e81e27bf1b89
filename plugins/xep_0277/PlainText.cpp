// SPDX-License-Identifier: MIT
// PlainText: markup to words, for XHTML elements and HTML strings alike.
#include "PlainText.hpp"

#include <cstdint>
#include <optional>

namespace roost::xep0277 {
namespace {

constexpr std::string_view kBlockElements[] = {
    "address", "article",    "aside",  "blockquote", "br",   "caption", "dd", "div", "dl",
    "dt",      "figcaption", "figure", "footer",     "h1",   "h2",      "h3", "h4",  "h5",
    "h6",      "header",     "hr",     "li",         "main", "nav",     "ol", "p",   "pre",
    "section", "table",      "td",     "th",         "tr",   "ul"};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_block(std::string_view name) {
    for (auto block : kBlockElements) {
        if (name == block) return true;
    }
    return false;
}

bool is_hidden(std::string_view name) { return name == "script" || name == "style"; }

std::string_view local_name(std::string_view name) {
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// Collects words: whitespace runs become one space, blocks one line break, and
// nothing dangles at either end.
class TextBuilder {
public:
    void add(std::string_view text) {
        for (char c : text) {
            if (is_space(c)) {
                pending_space_ = true;
                continue;
            }
            if (!out_.empty() && pending_break_) {
                out_ += '\n';
            } else if (!out_.empty() && pending_space_) {
                out_ += ' ';
            }
            pending_space_ = pending_break_ = false;
            out_ += c;
        }
    }
    void add_break() { pending_break_ = true; }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
    bool pending_space_ = false;
    bool pending_break_ = false;
};

void add_xhtml(pugi::xml_node node, TextBuilder& out) {
    for (auto child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            out.add(child.value());
            continue;
        }
        if (child.type() != pugi::node_element) continue;
        auto name = local_name(child.name());
        if (is_hidden(name)) continue;
        if (is_block(name)) out.add_break();
        add_xhtml(child, out);
        if (is_block(name)) out.add_break();
    }
}

void append_utf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

// The code point of "#233" or "#xE9"; nullopt for anything else or out of range.
std::optional<std::uint32_t> numeric_reference(std::string_view name) {
    if (name.size() < 2 || name[0] != '#') return std::nullopt;
    bool hex = name[1] == 'x' || name[1] == 'X';
    auto digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return std::nullopt;
    std::uint32_t code = 0;
    for (char c : digits) {
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        if (digit < 0) return std::nullopt;
        code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
    }
    bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    if (code == 0 || code > 0x10FFFF || surrogate) return std::nullopt;
    return code;
}

// The text of a reference's name (between & and ;), or nullopt when unknown.
std::optional<std::string> reference_text(std::string_view name) {
    if (auto code = numeric_reference(name)) {
        std::string out;
        append_utf8(out, *code);
        return out;
    }
    if (name == "amp") return "&";
    if (name == "lt") return "<";
    if (name == "gt") return ">";
    if (name == "quot") return "\"";
    if (name == "apos") return "'";
    if (name == "nbsp") return " ";  // a space to the search index too
    return std::nullopt;
}

// HTML character references in text; unknown ones stay as written.
std::string decode_references(std::string_view text) {
    constexpr std::size_t kLongestName = 32;
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        auto amp = text.find('&', i);
        out += text.substr(i, amp - i);
        if (amp == std::string_view::npos) break;
        auto semicolon = text.find(';', amp);
        std::optional<std::string> decoded;
        if (semicolon != std::string_view::npos && semicolon - amp <= kLongestName) {
            decoded = reference_text(text.substr(amp + 1, semicolon - amp - 1));
        }
        if (decoded) {
            out += *decoded;
            i = semicolon + 1;
        } else {
            out += '&';
            i = amp + 1;
        }
    }
    return out;
}

// Where the tag opening at `start` ends (its '>'), quotes honoured; npos if never.
std::size_t tag_end(std::string_view html, std::size_t start) {
    char quote = 0;
    for (std::size_t i = start + 1; i < html.size(); ++i) {
        char c = html[i];
        if (quote != 0) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i;
        }
    }
    return std::string_view::npos;
}

std::string lower_tag_name(std::string_view tag) {
    std::size_t i = tag.starts_with('/') ? 1 : 0;
    std::string name;
    for (; i < tag.size(); ++i) {
        char c = tag[i];
        bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == ':';
        if (!word) break;
        name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return name;
}

bool opens_tag(std::string_view html, std::size_t at) {
    if (at + 1 >= html.size()) return false;
    char c = html[at + 1];
    return c == '/' || c == '!' || c == '?' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Where the content of a script or style element opened before `from` ends: just
// after its closing tag, or the end of the input.
std::size_t skip_hidden(std::string_view html, std::size_t from, std::string_view name) {
    for (auto at = html.find("</", from); at != std::string_view::npos;
         at = html.find("</", at + 2)) {
        auto end = tag_end(html, at);
        if (end == std::string_view::npos) break;
        if (lower_tag_name(html.substr(at + 1, end - at - 1)) == name) return end + 1;
    }
    return html.size();
}

}  // namespace

std::string xhtml_to_text(pugi::xml_node node) {
    TextBuilder out;
    add_xhtml(node, out);
    return out.take();
}

std::string html_to_text(std::string_view html) {
    TextBuilder out;
    std::size_t i = 0;
    while (i < html.size()) {
        auto open = html.find('<', i);
        while (open != std::string_view::npos && !opens_tag(html, open)) {
            open = html.find('<', open + 1);
        }
        out.add(decode_references(html.substr(i, open - i)));
        if (open == std::string_view::npos) break;
        if (html.substr(open).starts_with("<!--")) {
            auto close = html.find("-->", open + 4);
            i = close == std::string_view::npos ? html.size() : close + 3;
            continue;
        }
        auto end = tag_end(html, open);
        if (end == std::string_view::npos) {
            out.add(decode_references(html.substr(open)));  // "<" never closed: text
            break;
        }
        auto tag = html.substr(open + 1, end - open - 1);
        auto name = lower_tag_name(tag);
        i = end + 1;
        if (is_hidden(name) && !tag.starts_with('/') && !tag.ends_with('/')) {
            i = skip_hidden(html, i, name);
        } else if (is_block(name)) {
            out.add_break();
        }
    }
    return out.take();
}

}  // namespace roost::xep0277

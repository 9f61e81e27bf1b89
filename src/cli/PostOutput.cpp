// SPDX-License-Identifier: MIT
// PostOutput: a feed for people to read, wrapped to the terminal.
#include "src/cli/PostOutput.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>
#include <sstream>

namespace roost::cli {
namespace {

using nlohmann::json;

constexpr std::size_t kDefaultWidth = 80;

// Words wrapped to `width` columns, indented; paragraphs (lines) kept apart.
void print_wrapped(const std::string& text, std::size_t width, const std::string& indent) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string word, out = indent;
        std::size_t used = indent.size();
        bool first = true;
        while (words >> word) {
            std::size_t length = display_length(word);
            if (!first && used + 1 + length > width) {
                std::cout << out << "\n";
                out = indent;
                used = indent.size();
                first = true;
            }
            out += (first ? "" : " ") + word;
            used += (first ? 0 : 1) + length;
            first = false;
        }
        std::cout << out << "\n";
    }
}

std::string text_of(const json& entry, const char* field, const char* fallback = "") {
    return entry.contains(field) && entry[field].is_string() ? entry[field].get<std::string>()
                                                             : fallback;
}

std::string author_of(const json& entry) {
    if (entry.contains("author")) {
        const json& author = entry["author"];
        std::string jid = text_of(author, "jid"), name = text_of(author, "name");
        if (!name.empty() && !jid.empty()) return name + " <" + jid + ">";
        if (!jid.empty() || !name.empty()) return jid.empty() ? name : jid;
    }
    return text_of(entry, "publisher", "unknown author");
}

}  // namespace

std::size_t terminal_width() {
    winsize size{};
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
        return size.ws_col;
    return kDefaultWidth;
}

std::size_t display_length(const std::string& text) {
    std::size_t length = 0;
    for (char c : text) length += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return length;
}

void print_post(const json& entry, bool with_comments) {
    std::size_t width = terminal_width();
    if (entry.contains("parse_error")) {
        std::cout << "[" << text_of(entry, "item_id")
                  << "] unreadable: " << text_of(entry, "parse_error") << "\n\n";
        return;
    }
    std::cout << text_of(entry, "title", "(no title)") << "\n";
    std::string date = text_of(entry, "published", text_of(entry, "updated").c_str());
    std::cout << "  " << author_of(entry) << (date.empty() ? "" : ", " + date);
    if (entry.contains("updated") && entry["updated"] != entry.value("published", json()))
        std::cout << " (edited " << text_of(entry, "updated") << ")";
    std::cout << "  [" << text_of(entry, "item_id") << "]\n";
    std::string content = text_of(entry, "content");
    if (!content.empty()) print_wrapped(content, width, "  ");
    if (entry.contains("categories")) {
        std::string tags;
        for (const auto& tag : entry["categories"]) tags += " #" + tag.get<std::string>();
        std::cout << " " << tags << "\n";
    }
    if (with_comments) {
        const json& count = entry.value("comment_count", json());
        std::cout << "  " << (count.is_number() ? std::to_string(count.get<long>()) : "?")
                  << " comment(s)\n";
    }
    std::cout << "\n";
}

}  // namespace roost::cli

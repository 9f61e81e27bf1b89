// SPDX-License-Identifier: MIT
// PostOutput: XEP-0277 posts and comments as a feed shows them to people, shared by
// `roost blog` (blog.* posts) and `roost stream` (items parsed by the xep_0277 analysers).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace roost::cli {

// The width to wrap to: the terminal's on a tty, else 80.
std::size_t terminal_width();

// UTF-8 characters, not bytes.
std::size_t display_length(const std::string& text);

// One post or comment as blog.get answers it (doc/blog.md): title, author and date, the
// text wrapped to the terminal, tags, and with `with_comments` its comment count. Reads
// item_id, publisher and the Atom parser's fields; prints the parse_error of an item
// that is no Atom entry.
void print_post(const nlohmann::json& post, bool with_comments);

}  // namespace roost::cli

// SPDX-License-Identifier: MIT
// PlainText: the words of the markup a post may hold (an XHTML element, or HTML as
// escaped text), blocks on their own lines: what is shown without markup and indexed.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace roost::xep0277 {

// The text of an XHTML element and its descendants; whitespace runs collapse, block
// elements (p, div, li, br...) break lines, script and style are dropped.
std::string xhtml_to_text(pugi::xml_node node);

// The same for an HTML fragment: tags and comments go, character references
// (&amp; &#233; &#xE9;...) are decoded. Never fails: a stray '<' is kept as text.
std::string html_to_text(std::string_view html);

}  // namespace roost::xep0277

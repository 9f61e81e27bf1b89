// SPDX-License-Identifier: MIT
// Xml: how Roost reads and writes XML text with pugixml, so that an item stored,
// answered or published is the one the server holds (see doc/xmpp.md, "Fidelity").
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace roost {

// pugixml's defaults drop whitespace-only text, so that "<b>bold</b> <i>italic</i>"
// would lose its space: it is kept here. Line ends are normalised as XML requires.
inline constexpr unsigned kXmlParseOptions = pugi::parse_default | pugi::parse_ws_pcdata;

// Parses `xml` into `document` (replacing what it held).
inline pugi::xml_parse_result load_xml(pugi::xml_document& document, std::string_view xml) {
    return document.load_buffer(xml.data(), xml.size(), kXmlParseOptions, pugi::encoding_utf8);
}

// The node as XML text, exactly: no indentation, no declaration. pugixml writes a
// carriage return of text as it is, which any parser would read back as a line feed;
// it can only come from a "&#13;" (parsing normalises literal ones), so it is written
// as one again.
inline std::string to_xml(pugi::xml_node node) {
    struct Writer : pugi::xml_writer {
        std::string out;
        void write(const void* data, std::size_t size) override {
            std::string_view text(static_cast<const char*>(data), size);
            for (auto cr = text.find('\r'); cr != std::string_view::npos; cr = text.find('\r')) {
                out.append(text.substr(0, cr)).append("&#13;");
                text.remove_prefix(cr + 1);
            }
            out.append(text);
        }
    } writer;
    node.print(writer, "", pugi::format_raw | pugi::format_no_declaration);
    return std::move(writer.out);
}

}  // namespace roost

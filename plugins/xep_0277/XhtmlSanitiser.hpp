// SPDX-License-Identifier: MIT
// XhtmlSanitiser: XHTML from a frontend or a contact reduced to markup that is safe to
// publish and to show (the XHTML-IM recommended profile of XEP-0071, plus headings).
#pragma once

#include <string>
#include <string_view>

namespace roost::xep0277 {

inline constexpr const char* kXhtmlNamespace = "http://www.w3.org/1999/xhtml";

// `xhtml` is a fragment (text and elements, or one <div/> or <body/> holding them);
// the answer is one <div xmlns='http://www.w3.org/1999/xhtml'> holding what is safe:
// - kept: a, blockquote, br, cite, code, em, i, b, strong, img, li, ol, ul, p, pre, q,
//   span, h1..h6, with their allowed attributes (a: href, type; img: src, alt, width,
//   height; blockquote and q: cite; every one: style, title, xml:lang);
// - dropped with their content: script, style, iframe, object, embed, applet, frame,
//   frameset, noscript, template, form, svg, math, link, meta, base, head, title;
// - any other element (div, table, font...) gives way to its content;
// - dropped attributes: any other (on* handlers included), href, src and cite whose
//   scheme is not http, https, xmpp, mailto, tel, geo or cid (javascript:, data:,
//   vbscript:... in any case, with any whitespace or control characters inside), style
//   holding url(, expression(, javascript:, @import, behavior, an escape or a comment;
//   an img left without src goes;
// - comments and processing instructions go; text stays.
// Throws std::invalid_argument naming the reason when `xhtml` is not well-formed.
std::string sanitise_xhtml(std::string_view xhtml);

}  // namespace roost::xep0277

// SPDX-License-Identifier: MIT
// AtomParser: an XEP-0277 microblog item (an Atom entry, RFC 4287) as the JSON the
// pubsub cache stores and searches, plus its plain text for the full-text index.
#pragma once

#include "roost/Analyser.hpp"

#include <pugixml.hpp>

namespace roost::xep0277 {

inline constexpr const char* kAtomNamespace = "http://www.w3.org/2005/Atom";
inline constexpr const char* kThreadNamespace = "http://purl.org/syndication/thread/1.0";

// Reads <item><entry xmlns='http://www.w3.org/2005/Atom'>...</entry></item> into
//   id, title, title_type, title_xhtml|title_html, content, content_type,
//   content_xhtml|content_html, content_src, author {name, uri, email, jid},
//   published, published_ts, updated, updated_ts, categories [term],
//   links [{rel, href, type, title}], in_reply_to {ref, href, type}
// where title and content are plain text and *_ts Unix seconds. What the entry lacks
// is absent. Throws std::invalid_argument when the item holds no Atom entry.
pubsub::ParsedItem parse_atom_item(pugi::xml_node item);

}  // namespace roost::xep0277

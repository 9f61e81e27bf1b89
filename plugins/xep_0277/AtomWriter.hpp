// SPDX-License-Identifier: MIT
// AtomWriter: a blog post or comment as the Atom entry XEP-0277 publishes (RFC 4287),
// and the names and URIs that tie a post to its comments node.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roost::xep0277 {

inline constexpr const char* kMicroblogNode = "urn:xmpp:microblog:0";
inline constexpr const char* kCommentsNodePrefix = "urn:xmpp:microblog:0:comments/";

struct AtomEntry {
    std::string atom_id;  // <id/>: tag_uri() for new posts, kept on edits
    std::string title;
    std::string content;                       // plain text
    std::optional<std::string> content_xhtml;  // one sanitised XHTML <div/>, or none
    std::vector<std::string> tags;             // <category term=''/> each
    std::string language;                      // xml:lang of the entry; "" for none
    std::string published;                     // XEP-0082 date-times
    std::string updated;
    std::string author_name;
    std::string author_jid;     // bare JID, written as <uri>xmpp:JID</uri>
    std::string alternate_uri;  // <link rel='alternate'/>: the item's own xmpp: URI; "" for none
    std::string comments_uri;   // <link rel='replies' title='comments'/>; "" for none
};

// <entry xmlns='http://www.w3.org/2005/Atom' xml:lang='..'>: title, id, published,
// updated, author, content (text, and xhtml when given), categories, links.
std::string atom_entry(const AtomEntry& entry);

// XEP-0082 date-time in UTC, whole seconds: "2008-05-08T18:30:02Z".
std::string xep0082_datetime(std::chrono::system_clock::time_point at);

// "tag:montague.lit,2008-05-08:posts-ITEM" (RFC 4151), from the author's domain and the
// date part of `published`.
std::string tag_uri(std::string_view bare_jid, std::string_view published,
                    std::string_view item_id);

std::string comments_node_of(std::string_view item_id);

// A fresh item id: 32 random hex digits.
std::string new_item_id();

}  // namespace roost::xep0277

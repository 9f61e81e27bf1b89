// SPDX-License-Identifier: MIT
// PostJson: a microblog item (post or comment) as blog.* methods answer it: the
// parser's fields plus where it lives, its language and its comments node.
#pragma once

#include "roost/Pubsub.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace roost::xep0277 {

// {item_id, service, node, publisher, language, comments: {service, node} | null,
//  comment_count: null, ...parse_atom_item's fields}; when the entry holds XHTML,
// content_xhtml is kept as received and content_xhtml_sanitised is what is safe to show
// (XhtmlSanitiser). An item that is no Atom entry gives {item_id, service, node,
// publisher, parse_error}.
nlohmann::json post_json(const pubsub::Item& item, const std::string& service,
                         const std::string& node);

// Newest first, by published (else updated) time; undated posts last, in their order.
void sort_newest_first(nlohmann::json& posts);

}  // namespace roost::xep0277

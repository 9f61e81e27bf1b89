// SPDX-License-Identifier: MIT
// XmppUri: RFC 5122 xmpp: URIs of pubsub nodes, as XEP-0277 links a post to its
// comments, and the percent-encoding they use.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace roost::xep0277 {

// RFC 3986 unreserved characters stay, every other byte becomes %XX.
std::string percent_encoded(std::string_view text);
// "%C3%A9" -> "é"; a '%' not followed by two hex digits stays as written.
std::string percent_decoded(std::string_view text);

// "xmpp:pubsub.example.org?;node=urn%3Axmpp%3Amicroblog%3A0%3Acomments%2FITEM" and with
// ";item=ID" when `item_id` is given (RFC 5122, as XEP-0277's examples write it).
std::string pubsub_uri(std::string_view service, std::string_view node,
                       std::string_view item_id = {});

// The service and node of a pubsub_uri(); nullopt for any other URI.
struct PubsubLocation {
    std::string service;
    std::string node;
};
std::optional<PubsubLocation> parse_pubsub_uri(std::string_view uri);

}  // namespace roost::xep0277

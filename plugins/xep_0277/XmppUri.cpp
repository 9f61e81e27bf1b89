// SPDX-License-Identifier: MIT
// XmppUri: building and reading xmpp:SERVICE?;node=NODE;item=ID.
#include "XmppUri.hpp"

namespace roost::xep0277 {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

// RFC 3986 unreserved characters stay; everything else is %XX.
std::string percent_encoded(std::string_view text) {
    static const char* const kHex = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += c;
            continue;
        }
        out += '%';
        out += kHex[byte >> 4];
        out += kHex[byte & 0x0F];
    }
    return out;
}

std::string percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        int high = text[i] == '%' && i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
        int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
        if (low < 0) {
            out += text[i];
            continue;
        }
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

std::string pubsub_uri(std::string_view service, std::string_view node, std::string_view item_id) {
    std::string uri = "xmpp:" + std::string(service) + "?;node=" + percent_encoded(node);
    if (!item_id.empty()) uri += ";item=" + percent_encoded(item_id);
    return uri;
}

std::optional<PubsubLocation> parse_pubsub_uri(std::string_view uri) {
    constexpr std::string_view kScheme = "xmpp:";
    if (!uri.starts_with(kScheme)) return std::nullopt;
    uri.remove_prefix(kScheme.size());
    auto query = uri.find('?');
    if (query == std::string_view::npos || query == 0) return std::nullopt;
    PubsubLocation location{percent_decoded(uri.substr(0, query)), {}};
    auto rest = uri.substr(query + 1);
    while (!rest.empty()) {
        auto end = rest.find(';');
        auto pair = rest.substr(0, end);
        if (pair.starts_with("node=")) location.node = percent_decoded(pair.substr(5));
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    if (location.node.empty()) return std::nullopt;
    return location;
}

}  // namespace roost::xep0277

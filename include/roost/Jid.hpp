// SPDX-License-Identifier: MIT
// Jid: is a string a JID (RFC 7622: localpart@domainpart/resourcepart)? Checked before a
// request goes out, so that a typo is a usage error here rather than a server's error.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace roost {

namespace jid_detail {

inline constexpr std::size_t kMaxPartBytes = 1023;  // RFC 7622 §3.1, per part

inline bool is_space_or_control(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
}

inline std::optional<std::string> localpart_problem(std::string_view local) {
    if (local.empty()) return "empty localpart before '@'";
    if (local.size() > kMaxPartBytes) return "localpart longer than 1023 bytes";
    for (char c : local) {
        if (is_space_or_control(c)) return "whitespace or control character in the localpart";
        // RFC 7622 §3.3.1: the characters a localpart may not hold.
        if (std::string_view("\"&'/:<>@").find(c) != std::string_view::npos)
            return std::string("'") + c + "' is not allowed in the localpart";
    }
    return std::nullopt;
}

inline std::optional<std::string> domainpart_problem(std::string_view domain) {
    // RFC 7622 §3.2: a final dot is stripped before use, so "example.org." is fine.
    if (domain.size() > 1 && domain.back() == '.') domain.remove_suffix(1);
    if (domain.empty() || domain == ".") return "empty domainpart";
    if (domain.size() > kMaxPartBytes) return "domainpart longer than 1023 bytes";
    for (char c : domain)
        if (is_space_or_control(c)) return "whitespace or control character in the domainpart";
    if (domain.front() == '.' || domain.find("..") != std::string_view::npos ||
        domain.back() == '.')
        return "empty label in the domainpart";
    return std::nullopt;
}

inline std::optional<std::string> resourcepart_problem(std::string_view resource) {
    if (resource.empty()) return "empty resourcepart after '/'";
    if (resource.size() > kMaxPartBytes) return "resourcepart longer than 1023 bytes";
    for (char c : resource)  // spaces are allowed there, controls are not
        if (c != ' ' && is_space_or_control(c)) return "control character in the resourcepart";
    return std::nullopt;
}

}  // namespace jid_detail

// Why `jid` is not a valid JID ("empty localpart before '@'"), or nullopt when it is one.
// The resourcepart is everything after the first '/', so it may hold '@' and '/'.
inline std::optional<std::string> jid_problem(std::string_view jid) {
    using namespace jid_detail;
    if (jid.empty()) return "empty JID";
    std::string_view bare = jid.substr(0, jid.find('/'));
    auto at = bare.find('@');
    if (at != std::string_view::npos) {
        if (bare.find('@', at + 1) != std::string_view::npos)
            return "more than one '@' before the '/'";
        if (auto problem = localpart_problem(bare.substr(0, at))) return problem;
    }
    auto domain = at == std::string_view::npos ? bare : bare.substr(at + 1);
    if (auto problem = domainpart_problem(domain)) return problem;
    if (bare.size() == jid.size()) return std::nullopt;
    return resourcepart_problem(jid.substr(bare.size() + 1));
}

// The bare JID of `jid`: everything before the first '/' (RFC 7622 §3.2).
inline std::string bare_jid(std::string_view jid) {
    return std::string(jid.substr(0, jid.find('/')));
}

}  // namespace roost

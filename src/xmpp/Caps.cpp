// SPDX-License-Identifier: MIT
// Caps: SHA-1 comes from libstrophe, which has it for SASL already.
#include "src/xmpp/Caps.hpp"

#include "src/xmpp/Stanza.hpp"

#include <strophe.h>

namespace roost::xmpp {
namespace {

// RFC 4648 base64 with padding; libstrophe's own needs a context to allocate from.
std::string base64(const unsigned char* data, std::size_t size) {
    static constexpr char kDigits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < size; i += 3) {
        unsigned long chunk = static_cast<unsigned long>(data[i]) << 16;
        if (i + 1 < size) chunk |= static_cast<unsigned long>(data[i + 1]) << 8;
        if (i + 2 < size) chunk |= data[i + 2];
        out += kDigits[(chunk >> 18) & 63];
        out += kDigits[(chunk >> 12) & 63];
        out += i + 1 < size ? kDigits[(chunk >> 6) & 63] : '=';
        out += i + 2 < size ? kDigits[chunk & 63] : '=';
    }
    return out;
}

}  // namespace

std::string caps_ver(const std::string& identity, const std::set<std::string>& features) {
    // S = identity "<" then each feature "<", features sorted (std::set is).
    std::string s = identity + "<";
    for (const auto& feature : features) s += feature + "<";
    unsigned char digest[XMPP_SHA1_DIGEST_SIZE];
    xmpp_sha1_digest(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
    return base64(digest, sizeof digest);
}

std::string caps_presence(const std::string& identity, const std::set<std::string>& features) {
    return std::string("<presence><c xmlns='") + kCapsNamespace + "' hash='sha-1' node='" +
           kCapsNode + "' ver='" + xml_escape(caps_ver(identity, features)) + "'/></presence>";
}

}  // namespace roost::xmpp

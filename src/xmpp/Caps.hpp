// SPDX-License-Identifier: MIT
// Entity capabilities (XEP-0115): the verification string that lets a server
// learn our disco#info features (and so our PEP +notify interests) from presence.
#pragma once

#include <set>
#include <string>

namespace roost::xmpp {

inline constexpr const char* kCapsNode = "https://roost.invalid/caps";
inline constexpr const char* kCapsNamespace = "http://jabber.org/protocol/caps";

// The XEP-0115 §5.1 "ver" (sha-1) for one identity "category/type/lang/name" and
// these features.
std::string caps_ver(const std::string& identity, const std::set<std::string>& features);

// <presence> carrying our caps, to send when a connection comes up.
std::string caps_presence(const std::string& identity, const std::set<std::string>& features);

}  // namespace roost::xmpp

// SPDX-License-Identifier: MIT
// ClientSettings: how a test's or benchmark's own XMPP client (src/xmpp) logs in to an
// account of a test server: plaintext, on loopback.
#pragma once

#include "src/xmpp/Connection.hpp"
#include "tests/support/XmppServer.hpp"

#include <cstdint>
#include <string>

namespace roost::test {

inline xmpp::ConnectionSettings client_settings(const XmppServer& server, const std::string& user,
                                                const std::string& resource) {
    xmpp::ConnectionSettings settings;
    settings.jid = server.account(user).jid + "/" + resource;
    settings.password = server.account(user).password;
    settings.host = "127.0.0.1";
    settings.port = static_cast<std::uint16_t>(server.client_port());
    settings.allow_plaintext = true;
    return settings;
}

}  // namespace roost::test

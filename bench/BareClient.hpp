// SPDX-License-Identifier: MIT
// BareClient: the least an XMPP client can do to read a pubsub node, for the wire limit:
// one connection (src/xmpp) driven from the benchmark's thread, nothing parsed beyond
// what paging needs, nothing stored. Publishing is tests/support/Publisher's.
#pragma once

#include "roost/Xmpp.hpp"
#include "src/reactor/Reactor.hpp"
#include "src/xmpp/Connection.hpp"
#include "src/xmpp/XmppContext.hpp"
#include "tests/support/XmppServer.hpp"

#include <chrono>
#include <cstddef>
#include <string>

namespace roost::bench {

struct FetchResult {
    std::size_t items = 0;
    std::size_t requests = 0;
};

class BareClient {
public:
    // Connects as `user` of `server` (plaintext on loopback); throws when it cannot.
    BareClient(const test::XmppServer& server, const std::string& user);
    BareClient(const BareClient&) = delete;
    BareClient& operator=(const BareClient&) = delete;

    // One IQ, waited for; throws with the server's error.
    IqAnswer request(std::string_view type, const std::string& to, const std::string& payload,
                     std::chrono::milliseconds timeout = std::chrono::seconds(120));

    // Every item of the node as roostd's sync asks for it: one request without a limit
    // where the service has no RSM, else RSM pages of `page_size` from the last page back.
    FetchResult fetch_all(const std::string& service, const std::string& node, bool rsm,
                          int page_size);

private:
    reactor::Reactor reactor_;
    xmpp::XmppContext context_{reactor_};
    xmpp::Connection connection_;
};

}  // namespace roost::bench

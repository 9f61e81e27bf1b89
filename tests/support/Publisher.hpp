// SPDX-License-Identifier: MIT
// Publisher: an account of a test server, driven from the test's thread, that creates
// nodes and publishes many items pipelined over its one connection (a server with file
// storage answers each publish slowly; waiting for each answer in turn is slower still).
#pragma once

#include "src/reactor/Reactor.hpp"
#include "src/xmpp/Connection.hpp"
#include "src/xmpp/XmppContext.hpp"
#include "tests/support/XmppServer.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace roost::test {

struct PublishItem {
    std::string id;
    std::string payload;  // one XML element; empty for an item without payload
};

class Publisher {
public:
    // Connects as `user` (plaintext on loopback); throws when it cannot. Requests wait
    // for the connection to come back when the server was restarted.
    Publisher(const XmppServer& server, const std::string& user);

    // Creates `node` on `service` with room for `max_items` items.
    void create_node(const std::string& service, const std::string& node, int max_items);
    // Publishes every item, at most `in_flight` requests unanswered at a time; returns
    // when every one is answered, throws when one fails or `limit` passes.
    void publish_all(const std::string& service, const std::string& node,
                     const std::vector<PublishItem>& items, int in_flight = 64,
                     std::chrono::milliseconds limit = std::chrono::minutes(5));

private:
    // Waits for the connection, which comes back by itself after a server restart.
    void wait_connected();

    reactor::Reactor reactor_;
    xmpp::XmppContext context_{reactor_};
    xmpp::Connection connection_;
};

}  // namespace roost::test

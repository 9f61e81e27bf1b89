// SPDX-License-Identifier: MIT
// xmpp::Connection against a real Prosody on loopback, driven from the test's thread: SASL
// login, a wrong password, IQ round trips and errors, a server killed mid-request and the
// reconnection that follows its restart.
#include "src/reactor/Reactor.hpp"
#include "src/xmpp/Connection.hpp"
#include "src/xmpp/XmppContext.hpp"
#include "tests/support/ClientSettings.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/RunUntil.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <vector>

using namespace std::chrono_literals;
using namespace roost;
using roost::test::run_until;
using roost::xmpp::ConnectionState;

namespace {

constexpr const char* kDiscoInfo = "<query xmlns='http://jabber.org/protocol/disco#info'/>";

// One reactor and libstrophe context, and a connection for an account of `server`.
struct Harness {
    reactor::Reactor reactor;
    xmpp::XmppContext context{reactor};

    xmpp::ConnectionSettings settings(const test::XmppServer& server, const std::string& user,
                                      std::optional<std::string> password = {}) {
        auto s = test::client_settings(server, user, "test");
        if (password) s.password = *password;
        s.reconnect_base = 100ms;  // keep retries quick for the tests
        s.reconnect_cap = 400ms;
        return s;
    }

    bool connect(xmpp::Connection& connection, std::chrono::milliseconds limit = 10s) {
        connection.connect();
        return wait_for(connection, ConnectionState::Connected, limit);
    }

    bool wait_for(xmpp::Connection& connection, ConnectionState state,
                  std::chrono::milliseconds limit = 10s) {
        return run_until(
            reactor, [&] { return connection.state() == state; }, limit);
    }

    // Sends an IQ and runs the loop until its answer (or the test's own deadline).
    std::optional<IqAnswer> request(xmpp::Connection& connection, std::string_view type,
                                    std::string_view to, std::string_view payload,
                                    std::chrono::milliseconds timeout = 5s) {
        std::optional<IqAnswer> answer;
        connection.send_iq(
            type, to, payload, "test request", [&](IqAnswer a) { answer = std::move(a); }, timeout);
        run_until(
            reactor, [&] { return answer.has_value(); }, timeout + 2s);
        return answer;
    }
};

bool has_feature(const IqAnswer& answer, const std::string& var) {
    for (auto feature : answer.iq().child("query").children("feature"))
        if (var == feature.attribute("var").value()) return true;
    return false;
}

// Two IQ round trips every server must get right: disco#info of the server, and
// item-not-found for a node its pubsub service does not have.
void check_disco_info_and_item_not_found(Harness& h, xmpp::Connection& connection,
                                         const test::XmppServer& server) {
    auto info = h.request(connection, "get", "localhost", kDiscoInfo);
    REQUIRE(info);
    REQUIRE_MESSAGE(info->ok(), info->error->message());
    CHECK(has_feature(*info, "http://jabber.org/protocol/disco#info"));
    CHECK(has_feature(*info, "urn:xmpp:ping"));

    auto items = h.request(connection, "get", server.pubsub_service(),
                           "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                           "<items node='no-such-node'/></pubsub>");
    REQUIRE(items);
    REQUIRE(items->error);
    CHECK(items->error->kind == XmppError::Kind::Remote);
    CHECK(items->error->condition == "item-not-found");
    CHECK(items->error->type == "cancel");
    CHECK(connection.pending_iqs() == 0);
}

}  // namespace

TEST_CASE("a connection logs in with SASL over plaintext on loopback and binds a resource") {
    test::ProsodyServer server;
    Harness h;
    xmpp::Connection alice(h.context, h.settings(server, "alice"));
    std::vector<ConnectionState> states;
    alice.on_state([&](ConnectionState s, const std::string&) { states.push_back(s); });

    REQUIRE_MESSAGE(h.connect(alice), "last error: " << alice.last_error() << "\n"
                                                     << server.log_tail());
    CHECK(alice.bound_jid() == "alice@localhost/test");
    CHECK(alice.bare_jid() == "alice@localhost");
    CHECK(alice.last_error().empty());
    CHECK(states == std::vector{ConnectionState::Connecting, ConnectionState::Connected});

    alice.disconnect();
    REQUIRE(h.wait_for(alice, ConnectionState::Disconnected));
    test::run_for(h.reactor, 300ms);  // no reconnection after an explicit disconnect
    CHECK(alice.state() == ConnectionState::Disconnected);
    CHECK(alice.last_error().empty());
}

TEST_CASE("a wrong password ends Disconnected with a clear error and retries with backoff") {
    test::ProsodyServer server;
    Harness h;
    xmpp::Connection alice(h.context, h.settings(server, "alice", "not-the-password"));
    int attempts = 0;
    alice.on_state([&](ConnectionState s, const std::string&) {
        attempts += s == ConnectionState::Connecting;
    });
    alice.connect();
    REQUIRE(run_until(
        h.reactor, [&] { return attempts >= 3; }, 10s));
    CHECK(alice.state() != ConnectionState::Connected);
    CHECK(alice.last_error() ==
          "authentication failed: wrong password, or no SASL mechanism in common");
    alice.disconnect();
    REQUIRE(h.wait_for(alice, ConnectionState::Disconnected));
    int after = attempts;
    test::run_for(h.reactor, 600ms);
    CHECK(attempts == after);  // disconnect() stops the retries
}

TEST_CASE("a connection to a port where nothing listens fails and keeps retrying") {
    test::ProsodyServer server;
    Harness h;
    auto settings = h.settings(server, "alice");
    server.stop();
    xmpp::Connection alice(h.context, settings);
    int failures = 0;
    alice.on_state([&](ConnectionState s, const std::string&) {
        failures += s == ConnectionState::Disconnected;
    });
    alice.connect();
    REQUIRE(run_until(
        h.reactor, [&] { return failures >= 2; }, 10s));
    CHECK(alice.last_error() == "cannot connect: Connection refused");
    server.start();
    CHECK_MESSAGE(h.wait_for(alice, ConnectionState::Connected, 10s), alice.last_error());
}

TEST_CASE("an IQ round trip: disco#info of the server, and item-not-found from pubsub") {
    test::ProsodyServer server;
    Harness h;
    xmpp::Connection alice(h.context, h.settings(server, "alice"));
    REQUIRE_MESSAGE(h.connect(alice), alice.last_error());
    check_disco_info_and_item_not_found(h, alice, server);
}

TEST_CASE("an IQ to the account itself (no 'to') is answered") {
    test::ProsodyServer server;
    Harness h;
    xmpp::Connection alice(h.context, h.settings(server, "alice"));
    REQUIRE_MESSAGE(h.connect(alice), alice.last_error());
    auto roster = h.request(alice, "get", "", "<query xmlns='jabber:iq:roster'/>");
    REQUIRE(roster);
    CHECK_MESSAGE(roster->ok(), roster->error->message());
}

TEST_CASE("an IQ sent while disconnected fails at once with Kind::Disconnected") {
    test::ProsodyServer server;
    Harness h;
    xmpp::Connection alice(h.context, h.settings(server, "alice"));
    std::optional<IqAnswer> answer;
    alice.send_iq("get", "localhost", kDiscoInfo, "disco#info of localhost",
                  [&](IqAnswer a) { answer = std::move(a); });
    REQUIRE(answer);
    REQUIRE(answer->error);
    CHECK(answer->error->kind == XmppError::Kind::Disconnected);
    CHECK_THROWS_AS(alice.send("<presence/>"), std::runtime_error);
}

TEST_CASE("killing the server fails the pending IQ, and the connection comes back by itself") {
    test::ProsodyServer server;
    Harness h;
    xmpp::Connection alice(h.context, h.settings(server, "alice"));
    REQUIRE_MESSAGE(h.connect(alice), alice.last_error());

    std::optional<IqAnswer> answer;
    alice.send_iq(
        "get", "localhost", kDiscoInfo, "disco#info of localhost",
        [&](IqAnswer a) { answer = std::move(a); }, 60s);
    server.kill();
    REQUIRE(run_until(
        h.reactor, [&] { return answer.has_value(); }, 10s));
    REQUIRE(answer->error);
    CHECK(answer->error->kind == XmppError::Kind::Disconnected);
    CHECK(alice.pending_iqs() == 0);
    CHECK(alice.state() != ConnectionState::Connected);

    server.start();
    REQUIRE_MESSAGE(h.wait_for(alice, ConnectionState::Connected, 15s), alice.last_error());
    auto info = h.request(alice, "get", "localhost", kDiscoInfo);
    REQUIRE(info);
    CHECK(info->ok());
}

TEST_CASE("two connections on one context exchange stanzas") {
    test::ProsodyServer server;
    Harness h;
    xmpp::Connection alice(h.context, h.settings(server, "alice"));
    xmpp::Connection bob(h.context, h.settings(server, "bob"));
    std::vector<std::string> received;
    bob.on_stanza([&](auto stanza) {
        auto message = stanza->document_element();
        if (std::string(message.name()) == "message")
            received.push_back(message.child("body").text().get());
    });
    REQUIRE(h.connect(alice));
    REQUIRE(h.connect(bob));
    alice.send("<message to='" + bob.bound_jid() +
               "' type='chat'><body>hello &amp; bye</body></message>");
    REQUIRE(run_until(
        h.reactor, [&] { return !received.empty(); }, 5s));
    CHECK(received[0] == "hello & bye");
}

TEST_CASE(
    "against ejabberd too: login, disco#info, item-not-found, and a reconnect after a restart") {
    test::EjabberdServer server;
    Harness h;
    xmpp::Connection alice(h.context, h.settings(server, "alice"));
    REQUIRE_MESSAGE(h.connect(alice, 20s), alice.last_error() << "\n" << server.log_tail());
    CHECK(alice.bound_jid() == "alice@localhost/test");
    check_disco_info_and_item_not_found(h, alice, server);

    // A clean stop: SIGKILL can lose ejabberd's not yet flushed accounts (mnesia).
    server.stop();
    REQUIRE(h.wait_for(alice, ConnectionState::Disconnected, 10s));
    CHECK(alice.last_error() == "stream error system-shutdown");
    server.start();
    REQUIRE_MESSAGE(h.wait_for(alice, ConnectionState::Connected, 30s), alice.last_error());
}

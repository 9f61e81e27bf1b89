// SPDX-License-Identifier: MIT
// core::Clients and core::Client against a real Prosody: disco#info answers that match our
// caps, PEP notifications through +notify, and roostd's profile commands and logs.
#include "src/core/Clients.hpp"
#include "src/reactor/Reactor.hpp"
#include "src/xmpp/Caps.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/RunUntil.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <thread>

using namespace std::chrono_literals;
using namespace roost;
using roost::test::run_until;

namespace {

constexpr const char* kMicroblog = "urn:xmpp:microblog:0";

core::ProfileConfig profile_for(const test::XmppServer& server, const std::string& user) {
    core::ProfileConfig p;
    p.name = user;
    p.jid = server.account(user).jid + "/roost";
    p.password = core::Secret(server.account(user).password);
    p.host = "127.0.0.1";
    p.port = static_cast<std::uint16_t>(server.client_port());
    p.allow_plaintext = true;
    return p;
}

// Alice and bob, both connected through one Clients.
struct Pair {
    explicit Pair(const test::XmppServer& server, const std::string& feature = {})
        : clients(reactor, {profile_for(server, "alice"), profile_for(server, "bob")}) {
        if (!feature.empty()) clients.add_feature(feature);
        clients.connect("alice");
        clients.connect("bob");
        bool up = run_until(
            reactor, [&] { return alice().connected() && bob().connected(); }, 10s);
        REQUIRE_MESSAGE(up, server.log_tail());
    }
    XmppClient& alice() { return *clients.client("alice"); }
    XmppClient& bob() { return *clients.client("bob"); }

    std::optional<IqAnswer> request(XmppClient& from, std::string_view type, std::string_view to,
                                    std::string_view payload) {
        std::optional<IqAnswer> answer;
        from.send_iq(
            type, to, payload, "test request", [&](IqAnswer a) { answer = std::move(a); }, 5s);
        run_until(
            reactor, [&] { return answer.has_value(); }, 7s);
        return answer;
    }

    reactor::Reactor reactor;
    core::Clients clients;
};

std::string disco_info(const std::string& node) {
    std::string query = "<query xmlns='http://jabber.org/protocol/disco#info'";
    if (!node.empty()) query += " node='" + node + "'";
    return query + "/>";
}

std::set<std::string> features_of(const IqAnswer& answer) {
    std::set<std::string> features;
    for (auto f : answer.iq().child("query").children("feature"))
        features.insert(f.attribute("var").value());
    return features;
}

// XEP-0115 §5.1 from a disco#info answer with one identity, as a server computes it.
std::string ver_of(const IqAnswer& answer) {
    auto identity = answer.iq().child("query").child("identity");
    std::string s = std::string(identity.attribute("category").value()) + "/" +
                    identity.attribute("type").value() + "/" +
                    identity.attribute("xml:lang").value() + "/" +
                    identity.attribute("name").value();
    return xmpp::caps_ver(s, features_of(answer));
}

// Alice and bob subscribe to each other's presence (RFC 6121 §3), which PEP needs; returns
// once alice's roster says "both".
bool befriend(Pair& pair) {
    pair.alice().send("<presence to='bob@localhost' type='subscribe'/>");
    pair.bob().send("<presence to='alice@localhost' type='subscribe'/>");
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        test::run_for(pair.reactor, 200ms);
        pair.alice().send("<presence to='bob@localhost' type='subscribed'/>");
        pair.bob().send("<presence to='alice@localhost' type='subscribed'/>");
        auto roster = pair.request(pair.alice(), "get", "", "<query xmlns='jabber:iq:roster'/>");
        if (!roster || !roster->ok()) continue;
        for (auto item : roster->iq().child("query").children("item"))
            if (std::string(item.attribute("subscription").value()) == "both") return true;
    }
    return false;
}

std::string daemon_config(const test::XmppServer& server, const std::string& user) {
    return "[profiles." + user + "]\njid = \"" + server.account(user).jid + "/roost\"\n" +
           "password = \"" + server.account(user).password + "\"\nhost = \"127.0.0.1\"\n" +
           "port = " + std::to_string(server.client_port()) + "\nallow_plaintext = true\n" +
           "autoconnect = true\n";
}

// `roost --json profile list`'s state for the profile, polled until it is `state`.
bool wait_for_state(const test::Daemon& daemon, const std::string& profile,
                    const std::string& state, std::string& seen,
                    std::chrono::milliseconds limit = 15s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        auto r = daemon.roost({"--json", "profile", "list"});
        if (r.exit_code == 0)
            for (const auto& p : nlohmann::json::parse(r.out))
                if (p["profile"] == profile) seen = p.dump();
        if (seen.find("\"state\":\"" + state + "\"") != std::string::npos) return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

}  // namespace

TEST_CASE("a Client answers disco#info with its identity and features, also on its caps node") {
    test::ProsodyServer server;
    Pair pair(server, "urn:xmpp:microblog:0+notify");

    auto answer = pair.request(pair.bob(), "get", "alice@localhost/roost", disco_info(""));
    REQUIRE(answer);
    REQUIRE_MESSAGE(answer->ok(), answer->error->message());
    auto identity = answer->iq().child("query").child("identity");
    CHECK(std::string(identity.attribute("category").value()) == "client");
    CHECK(std::string(identity.attribute("type").value()) == "pc");
    auto features = features_of(*answer);
    CHECK(features.count("urn:xmpp:microblog:0+notify") == 1);
    CHECK(features.count("http://jabber.org/protocol/caps") == 1);
    CHECK(features.count("http://jabber.org/protocol/disco#info") == 1);

    std::string node = std::string(xmpp::kCapsNode) + "#" + ver_of(*answer);
    auto by_node = pair.request(pair.bob(), "get", "alice@localhost/roost", disco_info(node));
    REQUIRE(by_node);
    REQUIRE(by_node->ok());
    CHECK(std::string(by_node->iq().child("query").attribute("node").value()) == node);
    CHECK(features_of(*by_node) == features);

    auto unknown =
        pair.request(pair.bob(), "get", "alice@localhost/roost", disco_info("nonsense#x"));
    REQUIRE(unknown);
    REQUIRE(unknown->error);
    CHECK(unknown->error->condition == "item-not-found");

    auto unsupported = pair.request(pair.bob(), "get", "alice@localhost/roost",
                                    "<query xmlns='jabber:iq:version'/>");
    REQUIRE(unsupported);
    REQUIRE(unsupported->error);
    CHECK(unsupported->error->condition == "service-unavailable");
}

TEST_CASE("a contact's PEP publish reaches Xmpp::on_message once we announce +notify") {
    test::ProsodyServer server;
    Pair pair(server);
    std::vector<std::string> received;  // ids of microblog items bob got from alice
    pair.clients.on_message([&](XmppClient& client, pugi::xml_node message) {
        auto items = message.child("event").child("items");
        if (client.profile() != "bob" || std::string(items.attribute("node").value()) != kMicroblog)
            return;
        CHECK(std::string(message.attribute("from").value()) == "alice@localhost");
        for (auto item : items.children("item")) received.push_back(item.attribute("id").value());
    });
    REQUIRE(befriend(pair));
    // Added while connected: the new caps go out in a fresh presence, the server asks for
    // our disco#info on node#ver, and from then on pushes alice's microblog to bob.
    pair.clients.add_feature("urn:xmpp:microblog:0+notify");

    auto published = pair.request(
        pair.alice(), "set", "",
        "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:microblog:0'>"
        "<item id='first-post'><entry xmlns='http://www.w3.org/2005/Atom'><title>Hello</title>"
        "</entry></item></publish></pubsub>");
    REQUIRE(published);
    REQUIRE_MESSAGE(published->ok(), published->error->message());
    bool got = run_until(
        pair.reactor, [&] { return !received.empty(); }, 10s);
    REQUIRE_MESSAGE(got, server.log_tail());
    CHECK(received.front() == "first-post");
}

TEST_CASE("roostd connects an autoconnect profile; roost profile disconnect/connect change it") {
    test::ProsodyServer server;
    test::Daemon daemon(daemon_config(server, "alice"));
    std::string seen;
    REQUIRE_MESSAGE(wait_for_state(daemon, "alice", "connected", seen), seen << "\n"
                                                                             << daemon.log());

    auto down = daemon.roost({"profile", "disconnect", "alice"});
    CHECK_MESSAGE(down.exit_code == 0, down.err);
    REQUIRE_MESSAGE(wait_for_state(daemon, "alice", "disconnected", seen), seen);
    CHECK(seen.find("\"last_error\":\"\"") != std::string::npos);

    auto up = daemon.roost({"profile", "connect", "alice"});
    CHECK_MESSAGE(up.exit_code == 0, up.err);
    REQUIRE_MESSAGE(wait_for_state(daemon, "alice", "connected", seen), seen);

    // Debug logging is on (tests/support/Daemon): still no password in the log.
    std::string log = daemon.log();
    CHECK(log.find("connected as alice@localhost/roost") != std::string::npos);
    CHECK(log.find(server.account("alice").password) == std::string::npos);
}

TEST_CASE("roostd reports a wrong password in profile list, and never logs it") {
    test::ProsodyServer server;
    server.add_account("carol", "right-password");
    std::string config = daemon_config(server, "carol");
    config.replace(config.find("right-password"), 14, "wrong-password");
    test::Daemon daemon(config);
    std::string seen;
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (seen.find("authentication failed") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        wait_for_state(daemon, "carol", "disconnected", seen, 1s);
    CHECK_MESSAGE(seen.find("authentication failed") != std::string::npos, seen);
    std::string log = daemon.log();
    CHECK(log.find("wrong-password") == std::string::npos);
    CHECK(log.find("right-password") == std::string::npos);
}

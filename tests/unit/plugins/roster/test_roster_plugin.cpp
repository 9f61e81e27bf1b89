// SPDX-License-Identifier: MIT
// The roster plugin with the test playing the server (FakeXmpp): the fetch at connect
// with and without versions (XEP-0237), pushes, subscription requests, and its methods.
#include "roost/Roster.hpp"
#include "tests/support/FakeXmpp.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestHost.hpp"

#include <doctest/doctest.h>

using namespace roost;
using namespace roost::test;
using nlohmann::json;

namespace {

constexpr const char* kAlice = "alice";
constexpr const char* kAliceJid = "alice@example.org";
constexpr const char* kRosterNs = "jabber:iq:roster";

struct RosterBackend {
    RosterBackend() {
        backend.start_built_plugins(plugin_dir.path(), {roster::kPluginName});
        api = dynamic_cast<roster::RosterApi*>(backend.plugins.find(roster::kPluginName));
        REQUIRE(api != nullptr);
        api->on_change([this](const roster::RosterChange& change) { changes.push_back(change); });
    }

    // Connects alice; returns the roster request the plugin sent.
    SentIq connect() {
        alice = &backend.xmpp.connect(kAlice, kAliceJid);
        return alice->next_iq("query");
    }

    // Connects alice and answers her roster request with `payload`.
    void connect_and_answer(const std::string& payload) {
        SentIq request = connect();
        alice->answer(request, payload);
    }

    json list() {
        auto reply = backend.ipc.call("roster.list", json::object());
        REQUIRE(reply->answer);
        return *reply->answer;
    }

    // The last stanza alice sent.
    const std::string& last_sent() const { return alice->sent().back(); }

    TempDir plugin_dir;
    TestBackend backend;
    roster::RosterApi* api = nullptr;
    FakeClient* alice = nullptr;
    std::vector<roster::RosterChange> changes;
};

std::string query(const std::string& items, const char* version = nullptr) {
    std::string out = std::string("<query xmlns='") + kRosterNs + "'";
    if (version) out += std::string(" ver='") + version + "'";
    return out + ">" + items + "</query>";
}

const char* kBob = "<item jid='bob@example.org' name='Bob' subscription='both'><group>Work</group>"
                   "<group>Friends</group><group>Work</group></item>";
const char* kCarol = "<item jid='carol@example.org' ask='subscribe'/>";

std::string push(const std::string& items, const char* version, const char* from = nullptr) {
    std::string out = "<iq type='set' id='push1'";
    if (from) out += std::string(" from='") + from + "'";
    return out + ">" + query(items, version) + "</iq>";
}

}  // namespace

TEST_CASE("at connect the roster is fetched and stored; its version is sent at the next connect") {
    RosterBackend r;
    SentIq first = r.connect();
    CHECK(first.type == "get");
    CHECK_FALSE(first.find("query").attribute("ver"));  // none known yet
    r.alice->answer(first, query(std::string(kBob) + kCarol, "v1"));

    json roster = r.list();
    CHECK(roster["version"] == "v1");
    CHECK(roster["connected"] == true);
    REQUIRE(roster["items"].size() == 2);
    CHECK(roster["items"][0] == json{{"jid", "bob@example.org"},
                                     {"name", "Bob"},
                                     {"groups", {"Friends", "Work"}},
                                     {"subscription", "both"},
                                     {"ask", nullptr}});
    CHECK(roster["items"][1]["subscription"] == "none");
    CHECK(roster["items"][1]["ask"] == "subscribe");
    CHECK(r.changes.size() == 2);
    CHECK(r.backend.ipc.sent("roster.changed").size() == 2);

    // Offline, the stored roster answers.
    r.backend.xmpp.disconnect(kAlice);
    CHECK(r.list()["items"].size() == 2);
    CHECK(r.list()["connected"] == false);

    // The server says nothing changed: an empty result, and no change.
    SentIq again = r.connect();
    CHECK(std::string(again.find("query").attribute("ver").value()) == "v1");
    r.alice->answer(again);
    CHECK(r.list()["items"].size() == 2);
    CHECK(r.list()["version"] == "v1");
    CHECK(r.changes.size() == 2);
}

TEST_CASE("a whole roster without a version replaces the stored one; what went is a removal") {
    RosterBackend r;
    SentIq first = r.connect();
    r.alice->answer(first, query(std::string(kBob) + kCarol, "v1"));
    r.changes.clear();
    r.backend.xmpp.disconnect(kAlice);

    // A server that stopped versioning (or chose to send everything) answers in full.
    SentIq again = r.connect();
    r.alice->answer(again, query("<item jid='bob@example.org' name='Robert' subscription='both'>"
                                 "<group>Friends</group><group>Work</group></item>"));
    json roster = r.list();
    CHECK(roster["version"].is_null());
    REQUIRE(roster["items"].size() == 1);
    CHECK(roster["items"][0]["name"] == "Robert");
    REQUIRE(r.changes.size() == 2);
    CHECK(r.changes[0].jid == "bob@example.org");
    CHECK(r.changes[0].item->name == "Robert");
    CHECK(r.changes[1].jid == "carol@example.org");
    CHECK_FALSE(r.changes[1].item);

    // Unchanged items are no change.
    r.changes.clear();
    r.backend.xmpp.disconnect(kAlice);
    SentIq third = r.connect();
    CHECK_FALSE(third.find("query").attribute("ver"));
    r.alice->answer(third, query("<item jid='bob@example.org' name='Robert' subscription='both'>"
                                 "<group>Work</group><group>Friends</group></item>"));
    CHECK(r.changes.empty());
}

TEST_CASE("a resumed session fetches the roster again only if its fetch had not got through") {
    RosterBackend r;
    SentIq first = r.connect();
    r.alice->answer(first, query(kBob, "v1"));
    r.backend.xmpp.disconnect(kAlice);
    r.backend.xmpp.resume(kAlice);
    CHECK(r.alice->waiting() == 0);

    // A new session fetches; this fetch is lost with the connection, so the resumed
    // session fetches once more.
    r.backend.xmpp.disconnect(kAlice);
    r.connect();
    r.backend.xmpp.disconnect(kAlice);
    r.backend.xmpp.resume(kAlice);
    SentIq again = r.alice->next_iq("query");
    r.alice->answer(again, query(kBob, "v1"));
    CHECK(r.list()["version"] == "v1");
}

TEST_CASE("a failed fetch keeps the stored roster") {
    RosterBackend r;
    SentIq first = r.connect();
    r.alice->answer(first, query(kBob, "v1"));
    r.backend.xmpp.disconnect(kAlice);
    SentIq again = r.connect();
    r.alice->answer_error(again, "internal-server-error", "wait");
    CHECK(r.list()["items"].size() == 1);
    CHECK(r.list()["version"] == "v1");
}

TEST_CASE("pushes from our own server are applied and acknowledged; others are refused") {
    RosterBackend r;
    SentIq first = r.connect();
    r.alice->answer(first, query(kBob, "v1"));
    r.changes.clear();

    r.backend.xmpp.inject(kAlice, push(kCarol, "v2"));
    CHECK(r.last_sent() == "<iq type='result' id='push1'/>");
    CHECK(r.list()["items"].size() == 2);
    CHECK(r.list()["version"] == "v2");

    r.backend.xmpp.inject(
        kAlice, push("<item jid='bob@example.org' subscription='remove'/>", "v3", kAliceJid));
    CHECK(r.last_sent() == "<iq type='result' id='push1' to='alice@example.org'/>");
    json roster = r.list();
    REQUIRE(roster["items"].size() == 1);
    CHECK(roster["items"][0]["jid"] == "carol@example.org");
    CHECK(roster["version"] == "v3");
    REQUIRE(r.changes.size() == 2);
    CHECK_FALSE(r.changes[1].item);

    // RFC 6121 §2.1.6: a push from anyone else is not one.
    r.backend.xmpp.inject(kAlice, push(kBob, "v4", "mallory@evil.example"));
    CHECK(r.last_sent().find("<service-unavailable") != std::string::npos);
    r.backend.xmpp.inject(kAlice, push(std::string(kBob) + kCarol, "v4"));
    CHECK(r.last_sent().find("<bad-request") != std::string::npos);
    r.backend.xmpp.inject(kAlice, push("<item jid='not a jid@'/>", "v4"));
    CHECK(r.last_sent().find("<bad-request") != std::string::npos);
    CHECK(r.list()["items"].size() == 1);
    CHECK(r.list()["version"] == "v3");
    CHECK(r.changes.size() == 2);

    // An unversioned push leaves the stored version stale: it is forgotten.
    r.backend.xmpp.inject(kAlice, push(kBob, nullptr));
    CHECK(r.list()["version"].is_null());
}

TEST_CASE("subscription requests are kept until answered or withdrawn") {
    RosterBackend r;
    r.connect_and_answer(query("", "v1"));

    r.backend.xmpp.inject(kAlice, "<presence from='dave@example.org/phone' type='subscribe'>"
                                  "<status>it is Dave</status></presence>");
    r.backend.xmpp.inject(kAlice, "<presence from='erin@example.org' type='subscribe'/>");
    json roster = r.list();
    REQUIRE(roster["requests"].size() == 2);
    CHECK(roster["requests"][0]["jid"] == "dave@example.org");
    CHECK(roster["requests"][0]["message"] == "it is Dave");
    CHECK(r.changes.size() == 2);

    // Servers deliver a waiting request again at each login: not a new change.
    r.backend.xmpp.inject(kAlice, "<presence from='dave@example.org' type='subscribe'>"
                                  "<status>it is Dave</status></presence>");
    CHECK(r.changes.size() == 2);
    CHECK(r.list()["requests"].size() == 2);

    auto approved = r.backend.ipc.call("roster.approve", {{"jid", "dave@example.org"}});
    REQUIRE(approved->answer);
    CHECK(r.last_sent() == "<presence to=\"dave@example.org\" type=\"subscribed\"/>");
    r.backend.xmpp.inject(kAlice, "<presence from='erin@example.org' type='unsubscribe'/>");
    CHECK(r.list()["requests"].empty());
    REQUIRE(r.changes.size() == 4);
    CHECK(r.changes[2].kind == roster::RosterChange::Kind::Request);
    CHECK_FALSE(r.changes[2].request);

    // They survive a restart of the plugin (the database keeps them).
    r.backend.xmpp.inject(kAlice, "<presence from='frank@example.org' type='subscribe'/>");
    r.backend.xmpp.disconnect(kAlice);
    CHECK(r.list()["requests"].size() == 1);
}

TEST_CASE("roster.add, rename, groups and remove send a roster set and answer with the server") {
    RosterBackend r;
    r.connect_and_answer(query(kBob, "v1"));

    auto added = r.backend.ipc.call(
        "roster.add",
        {{"jid", "carol@example.org"}, {"name", "Carol & co"}, {"groups", {"B", "A"}}});
    SentIq set = r.alice->next_iq("query");
    CHECK(set.type == "set");
    CHECK(set.payload ==
          "<query xmlns=\"jabber:iq:roster\"><item jid=\"carol@example.org\" name=\"Carol &amp; "
          "co\"><group>A</group><group>B</group></item></query>");
    CHECK_FALSE(added->answered());
    r.alice->answer(set);
    REQUIRE(added->answer);
    CHECK(*added->answer == json{{"jid", "carol@example.org"}});

    // rename keeps the groups the stored item has; groups keeps its name.
    r.backend.ipc.call("roster.rename", {{"jid", "bob@example.org"}, {"name", "Robert"}});
    CHECK(r.alice->next_iq("query").payload ==
          "<query xmlns=\"jabber:iq:roster\"><item jid=\"bob@example.org\" name=\"Robert\">"
          "<group>Friends</group><group>Work</group></item></query>");
    r.backend.ipc.call("roster.groups", {{"jid", "bob@example.org"}, {"groups", json::array()}});
    CHECK(r.alice->next_iq("query").payload ==
          "<query xmlns=\"jabber:iq:roster\"><item jid=\"bob@example.org\" name=\"Bob\"/></query>");

    auto removed = r.backend.ipc.call("roster.remove", {{"jid", "bob@example.org"}});
    SentIq removal = r.alice->next_iq("query");
    CHECK(removal.payload == "<query xmlns=\"jabber:iq:roster\"><item jid=\"bob@example.org\" "
                             "subscription=\"remove\"/></query>");
    r.alice->answer_error(removal, "not-authorized", "auth");
    REQUIRE(removed->failure);
    CHECK(removed->failure->code == rpc_error::kRemoteError);
    CHECK(removed->failure->message.find("not-authorized") != std::string::npos);
}

TEST_CASE("roster methods: bad params, unknown contacts and an offline profile get clear errors") {
    RosterBackend r;
    r.connect_and_answer(query(kBob, "v1"));
    auto code_of = [&](const char* method, const json& params) {
        auto reply = r.backend.ipc.call(method, params);
        REQUIRE(reply->failure);
        INFO(reply->failure->message);
        return reply->failure->code;
    };
    CHECK(code_of("roster.add", json::object()) == rpc_error::kInvalidParams);
    CHECK(code_of("roster.add", {{"jid", "bob@example.org/phone"}}) == rpc_error::kInvalidParams);
    CHECK(code_of("roster.add", {{"jid", "bob@"}}) == rpc_error::kInvalidParams);
    CHECK(code_of("roster.add", {{"jid", "x@example.org"}, {"groups", {""}}}) ==
          rpc_error::kInvalidParams);
    CHECK(code_of("roster.rename", {{"jid", "bob@example.org"}}) == rpc_error::kInvalidParams);
    CHECK(code_of("roster.rename", {{"jid", "zed@example.org"}, {"name", "Z"}}) ==
          rpc_error::kNotFound);
    CHECK(code_of("roster.remove", {{"jid", "zed@example.org"}}) == rpc_error::kNotFound);
    CHECK(code_of("roster.list", {{"profile", "nobody"}}) == rpc_error::kNotFound);
    CHECK(r.alice->waiting() == 0);  // nothing went out

    r.backend.xmpp.disconnect(kAlice);
    CHECK(code_of("roster.add", {{"jid", "x@example.org"}}) == rpc_error::kUnavailable);
    CHECK(code_of("roster.approve", {{"jid", "x@example.org"}}) == rpc_error::kUnavailable);
    CHECK(r.list()["items"].size() == 1);
}

// SPDX-License-Identifier: MIT
// Contacts' blogs with the real xep_0060, pubsub_cache, roster and xep_0277 plugins over
// a FakeXmpp: a notification of a contact's blog syncs it whole, the roster decides
// whether it stays followed, blog.follow and blog.unfollow do what they say.
#include "roost/Ipc.hpp"
#include "src/core/PluginHost.hpp"
#include "tests/support/CacheBackend.hpp"
#include "tests/support/FakeXmpp.hpp"
#include "tests/support/PubsubStanzas.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestHost.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace roost;
using namespace roost::test;
using nlohmann::json;

namespace {

constexpr const char* kBlogNode = "urn:xmpp:microblog:0";
constexpr const char* kBob = "bob@example.org";
constexpr const char* kCarol = "carol@example.org";

std::string entry(const std::string& id) {
    return "<item id='" + id + "'><entry xmlns='http://www.w3.org/2005/Atom'><title>Post " + id +
           "</title></entry></item>";
}

std::string roster_item(const std::string& jid, const char* subscription) {
    return "<query xmlns='jabber:iq:roster'><item jid='" + jid + "' subscription='" + subscription +
           "'/></query>";
}

struct Contacts {
    TempDir plugin_dir;
    TestBackend backend;
    FakeClient* alice = nullptr;

    explicit Contacts(bool with_roster = true) {
        std::vector<std::string> plugins = {"xep_0060", "pubsub_cache", "xep_0277"};
        if (with_roster) plugins.insert(plugins.begin() + 2, "roster");
        backend.start_built_plugins(plugin_dir.path(), plugins);
    }

    // Connects alice; with the roster plugin, her roster is `roster` (a <query/>).
    void connect(const std::string& roster = "<query xmlns='jabber:iq:roster'/>") {
        alice = &backend.xmpp.connect(kAlice, kAliceJid);
        if (backend.plugins.find("roster") != nullptr)
            alice->answer(alice->next_iq("query"), roster);
        settle();
    }

    void settle() {
        for (int turn = 0; turn < 20; ++turn)
            backend.reactor.run_once(std::chrono::milliseconds(0));
    }

    void push(const std::string& jid, const char* subscription) {
        backend.xmpp.inject(kAlice, "<iq type='set' id='push' from='" + std::string(kAliceJid) +
                                        "'>" + roster_item(jid, subscription) + "</iq>");
        settle();
    }

    void notify(const std::string& owner, const std::vector<std::string>& items) {
        backend.xmpp.inject(kAlice, stanza::items_event(owner, kAliceJid, kBlogNode, items));
        settle();
    }

    // Plays the owner's PEP service through one sync: the subscription, then every item.
    void serve_sync(const std::string& owner, const std::vector<std::string>& items) {
        SentIq subscribe = alice->next_iq("subscribe");
        CHECK(subscribe.to == owner);
        CHECK(subscribe.node() == kBlogNode);
        alice->answer(subscribe);
        settle();
        SentIq read = next_items_request(*alice);
        CHECK(read.to == owner);
        alice->answer(read, stanza::items(kBlogNode, items));
        settle();
    }

    std::vector<std::string> cached(const std::string& owner) {
        return backend.pubsub_store.item_ids({kAlice, owner, kBlogNode});
    }

    std::optional<pubsub::NodeInfo> node(const std::string& owner) {
        return backend.pubsub_store.node_state({kAlice, owner, kBlogNode});
    }

    json following() {
        auto reply = backend.ipc.call("blog.following", json::object());
        REQUIRE(reply->answer);
        return (*reply->answer)["blogs"];
    }

    bool sent_unsubscribe() {
        for (const auto& sent : alice->sent())
            if (sent.find("<unsubscribe") != std::string::npos) return true;
        return false;
    }
};

}  // namespace

TEST_CASE("a notification of a contact's blog syncs it whole; the roster stops and resumes it") {
    Contacts c;
    c.connect(roster_item(kBob, "both"));

    // The server sends the last post on presence: the blog is synced, every post.
    c.notify(kBob, {entry("p3")});
    c.serve_sync(kBob, {entry("p1"), entry("p2"), entry("p3")});
    CHECK(c.cached(kBob) == std::vector<std::string>{"p1", "p2", "p3"});
    REQUIRE(c.node(kBob));
    CHECK(c.node(kBob)->sync_state == pubsub::SyncState::Completed);
    json blogs = c.following();
    REQUIRE(blogs.size() == 1);
    CHECK(blogs[0]["jid"] == kBob);
    CHECK(blogs[0]["followed"] == "notification");
    CHECK(blogs[0]["active"] == true);
    CHECK(blogs[0]["roster_subscription"] == "both");
    CHECK(blogs[0]["sync_state"] == "completed");
    CHECK(blogs[0]["items"] == 3);

    // Later posts go straight into the cache, no second sync.
    c.notify(kBob, {entry("p4")});
    CHECK(c.cached(kBob) == std::vector<std::string>{"p1", "p2", "p3", "p4"});
    CHECK_THROWS(c.alice->next_iq("subscribe"));

    // Bob's subscription ends: unsubscribed, the posts kept but no longer answered from.
    c.push(kBob, "from");
    CHECK(c.sent_unsubscribe());
    CHECK_FALSE(c.node(kBob)->sync_state);
    CHECK(c.cached(kBob).size() == 4);
    blogs = c.following();
    CHECK(blogs[0]["active"] == false);
    CHECK(blogs[0]["reason"] == std::string("no presence subscription to ") + kBob);

    // It comes back: synced again.
    c.push(kBob, "to");
    c.serve_sync(kBob, {entry("p1"), entry("p2"), entry("p3"), entry("p4"), entry("p5")});
    CHECK(c.node(kBob)->sync_state == pubsub::SyncState::Completed);
    CHECK(c.following()[0]["items"] == 5);
}

TEST_CASE("at connect, followed blogs of contacts are synced, the others stopped") {
    Contacts c;
    c.connect(roster_item(kBob, "both"));
    c.notify(kBob, {entry("p1")});
    c.serve_sync(kBob, {entry("p1")});
    c.backend.xmpp.disconnect(kAlice);
    c.settle();

    // Connected again with bob still a contact: his blog is synced again.
    c.connect(roster_item(kBob, "both"));
    c.serve_sync(kBob, {entry("p1"), entry("p2")});
    CHECK(c.cached(kBob) == std::vector<std::string>{"p1", "p2"});
    c.backend.xmpp.disconnect(kAlice);
    c.settle();

    // Bob left the roster while alice was away: the stored roster already says so at
    // the next connect (here the fetch brings the removal).
    c.alice = &c.backend.xmpp.connect(kAlice, kAliceJid);
    c.alice->answer(c.alice->next_iq("query"), "<query xmlns='jabber:iq:roster'/>");
    c.settle();
    CHECK_FALSE(c.node(kBob)->sync_state);
    CHECK(c.following()[0]["active"] == false);
    c.backend.xmpp.disconnect(kAlice);
    c.settle();

    // Back in the roster while alice was away: resumed at connect.
    c.connect(roster_item(kBob, "to"));
    c.serve_sync(kBob, {entry("p1"), entry("p2"), entry("p3")});
    CHECK(c.following()[0]["active"] == true);
    CHECK(c.node(kBob)->sync_state == pubsub::SyncState::Completed);
}

TEST_CASE("blog.follow syncs a blog, blog.unfollow stops it for good; bad params are refused") {
    Contacts c;
    c.connect();
    auto follow = c.backend.ipc.call("blog.follow", {{"jid", kCarol}});
    REQUIRE_FALSE(follow->answered());
    c.serve_sync(kCarol, {entry("c1"), entry("c2")});
    REQUIRE(follow->answer);
    CHECK((*follow->answer)["followed"] == "explicit");
    CHECK((*follow->answer)["sync_state"] == "completed");
    CHECK((*follow->answer)["items"] == 2);
    CHECK((*follow->answer)["roster_subscription"] == nullptr);

    // Not a contact: the roster does not stop an explicit follow.
    c.push(kCarol, "none");
    CHECK(c.node(kCarol)->sync_state == pubsub::SyncState::Completed);

    auto unfollow = c.backend.ipc.call("blog.unfollow", {{"jid", kCarol}});
    REQUIRE(unfollow->answer);
    CHECK((*unfollow->answer)["active"] == false);
    CHECK(c.sent_unsubscribe());
    CHECK_FALSE(c.node(kCarol)->sync_state);
    // A later notification does not follow it again.
    c.notify(kCarol, {entry("c3")});
    CHECK_THROWS(c.alice->next_iq("subscribe"));

    auto again = c.backend.ipc.call("blog.unfollow", {{"jid", kCarol}});
    REQUIRE(again->failure);
    CHECK(again->failure->code == rpc_error::kNotFound);
    for (const auto& params : {json::object(), json{{"jid", "not a jid@"}}, json{{"jid", 3}},
                               json{{"jid", kAliceJid}}}) {
        CAPTURE(params.dump());
        auto bad = c.backend.ipc.call("blog.follow", params);
        REQUIRE(bad->failure);
        CHECK(bad->failure->code == rpc_error::kInvalidParams);
        CHECK(bad->failure->message.find("jid") != std::string::npos);
    }

    // A blog that is not there.
    auto missing = c.backend.ipc.call("blog.follow", {{"jid", "dave@example.org"}});
    c.alice->answer_error(c.alice->next_iq("subscribe"), "item-not-found", "cancel");
    c.settle();
    c.alice->answer_error(next_items_request(*c.alice), "item-not-found", "cancel");
    c.settle();
    REQUIRE(missing->failure);
    CHECK(missing->failure->code == rpc_error::kNotFound);
}

TEST_CASE("a blog already synced is only marked seen; a pubsub service's node is nobody's blog") {
    Contacts c;
    c.connect(roster_item(kBob, "both"));
    auto read = c.backend.ipc.call("blog.get", {{"jid", kBob}});
    c.serve_sync(kBob, {entry("p1")});
    REQUIRE(c.node(kBob)->sync_state == pubsub::SyncState::Completed);
    CHECK(c.following().empty());
    c.notify(kBob, {entry("p2")});
    CHECK_THROWS(c.alice->next_iq("subscribe"));  // no resync
    CHECK(c.cached(kBob) == std::vector<std::string>{"p1", "p2"});
    REQUIRE(c.following().size() == 1);
    CHECK(c.following()[0]["active"] == true);

    c.notify("pubsub.example.org", {entry("x1")});
    CHECK_THROWS(c.alice->next_iq("subscribe"));
    CHECK(c.following().size() == 1);
}

TEST_CASE("without the roster plugin, every blog seen through a notification is followed") {
    Contacts c(false);
    c.connect();
    c.notify(kBob, {entry("p2")});
    c.serve_sync(kBob, {entry("p1"), entry("p2")});
    CHECK(c.cached(kBob) == std::vector<std::string>{"p1", "p2"});
    CHECK(c.following()[0]["roster_subscription"] == nullptr);
}

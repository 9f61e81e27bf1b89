// SPDX-License-Identifier: MIT
// Contacts' blogs on Prosody and ejabberd: alice and bob are mutual contacts; bob's
// posts, made before alice's roostd knew him, reach her cache whole once the server
// sends her the last one (XEP-0163), then his new posts and retractions; `roost blog get`
// answers from the cache. A non-contact's open blog is followed with `roost blog follow`.
// One server and one roostd (profile alice) per server for both cases.
#include "tests/support/CacheFixture.hpp"
#include "tests/support/CanonicalXml.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/RawXmppClient.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

using namespace roost::test;
using nlohmann::json;

namespace {

// Post `n` of `user`, published on day n of 2024.
std::string entry(const std::string& user, int n) {
    std::string day = (n < 10 ? "0" : "") + std::to_string(n);
    return "<entry xmlns='http://www.w3.org/2005/Atom'><title>" + user + "'s post " +
           std::to_string(n) + "</title><content type='text'>Day " + std::to_string(n) +
           ".</content><author><name>" + user + "</name></author><published>2024-01-" + day +
           "T10:00:00Z</published><updated>2024-01-" + day + "T10:00:00Z</updated></entry>";
}

std::string publish_xml(const std::string& id, const std::string& item_id,
                        const std::string& payload) {
    return "<iq type='set' id='" + id +
           "'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='" + kMicroblog +
           "'><item id='" + item_id + "'>" + payload + "</item></publish></pubsub></iq>";
}

// The blog node made with its configuration: PEP nodes keep one item by default on both
// servers (and ejabberd takes no max_items in publish-options), so it keeps ten.
std::string create_xml(const std::string& access) {
    return "<iq type='set' id='create'><pubsub xmlns='http://jabber.org/protocol/pubsub'><create "
           "node='" +
           std::string(kMicroblog) +
           "'/><configure><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' "
           "type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
           "<field var='pubsub#max_items'><value>10</value></field><field "
           "var='pubsub#access_model'><value>" +
           access + "</value></field></x></configure></pubsub></iq>";
}

template <class Server>
struct Fixture : CacheFixture<Server> {
    std::unique_ptr<RawXmppClient> bob, carol;

    // Alice and bob are mutual contacts, bob has three posts: all before alice's roostd.
    Fixture() : CacheFixture<Server>({.users = {"alice", "bob", "carol"}}) {
        RawXmppClient alice(this->server, "alice", "setup");
        bob = std::make_unique<RawXmppClient>(this->server, "bob");
        carol = std::make_unique<RawXmppClient>(this->server, "carol");
        // RFC 6121: each asks, the other approves (each request answered before the next).
        subscribe(alice, "alice", *bob, "bob");
        subscribe(*bob, "bob", alice, "alice");
        bob->send("<presence/>");
        bob->request("create", create_xml("presence"));
        carol->request("create", create_xml("open"));
        for (int n = 1; n <= 3; ++n) publish(*bob, "b" + std::to_string(n), entry("bob", n));
        this->daemon = std::make_unique<Daemon>(profile_toml(this->server, "alice"));
        this->roost = std::make_unique<CacheClient>(*this->daemon);
        REQUIRE(this->roost->wait_connected(1));
    }

    std::string jid(const std::string& user) const { return user + "@" + this->server.domain(); }

    void subscribe(RawXmppClient& asker, const std::string& asker_name, RawXmppClient& approver,
                   const std::string& approver_name) {
        asker.send("<presence to='" + jid(approver_name) + "' type='subscribe'/>");
        ping(asker);
        approver.send("<presence to='" + jid(asker_name) + "' type='subscribed'/>");
        ping(approver);
    }

    static void ping(RawXmppClient& raw) {
        raw.request("ping", "<iq type='get' id='ping'><ping xmlns='urn:xmpp:ping'/></iq>");
    }

    void publish(RawXmppClient& raw, const std::string& item_id, const std::string& payload) {
        static int request = 0;
        std::string id = "pub-" + std::to_string(++request);
        raw.request(id, publish_xml(id, item_id, payload));
    }

    void retract(RawXmppClient& raw, const std::string& item_id) {
        raw.request("retract-" + item_id,
                    "<iq type='set' id='retract-" + item_id +
                        "'><pubsub xmlns='http://jabber.org/protocol/pubsub'><retract node='" +
                        kMicroblog + "' notify='true'><item id='" + item_id +
                        "'/></retract></pubsub></iq>");
    }

    // Every item of `user`'s blog as the server holds it, read by `raw` (the owner):
    // item ids in the server's order, and the canonical payloads.
    std::pair<std::vector<std::string>, std::map<std::string, std::string>> server_blog(
        RawXmppClient& raw, const std::string& user) {
        static int request = 0;
        std::string id = "all-" + std::to_string(++request);
        std::string answer =
            raw.request(id, "<iq type='get' id='" + id + "' to='" + jid(user) +
                                "'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items "
                                "node='" +
                                kMicroblog + "'/></pubsub></iq>");
        std::vector<std::string> ids;
        for (auto at = answer.find("<item "); at != std::string::npos;
             at = answer.find("<item ", at + 1)) {
            auto start = answer.find("id='", at);
            auto quote = '\'';
            if (start == std::string::npos || start > answer.find('>', at)) {
                start = answer.find("id=\"", at);
                quote = '"';
            }
            start += 4;
            ids.push_back(answer.substr(start, answer.find(quote, start) - start));
        }
        return {ids, canonical_payloads(answer)};
    }

    // What alice's cache holds of `user`'s blog: ids and canonical payloads; the
    // node's sync state in `state`.
    std::pair<std::vector<std::string>, std::map<std::string, std::string>> cached_blog(
        const std::string& user, std::string* state = nullptr) {
        auto [code, answer] =
            cli_as({"pubsub", "cache", "get", "--service", jid(user), "--node", kMicroblog});
        if (code != 0) return {};
        if (state != nullptr)
            *state = answer["node"]["sync_state"].is_string() ? answer["node"]["sync_state"] : "";
        std::vector<std::string> ids;
        std::map<std::string, std::string> payloads;
        for (const auto& item : answer["items"]) {
            ids.push_back(item["id"]);
            std::string xml = item["xml"];
            auto payload = canonical_payloads(xml);
            payloads.insert(payload.begin(), payload.end());
        }
        return {ids, payloads};
    }

    // `roost --json ARGS... --profile alice`.
    std::pair<int, json> cli_as(std::vector<std::string> args) {
        args.insert(args.begin(), "--json");
        args.insert(args.end(), {"--profile", "alice"});
        auto result = this->daemon->roost(args);
        INFO(result.err);
        INFO(result.out);
        return {result.exit_code, result.out.empty() ? json() : json::parse(result.out)};
    }

    json ok(std::vector<std::string> args) {
        auto [code, answer] = cli_as(std::move(args));
        REQUIRE(code == 0);
        return answer;
    }

    // The cache holds `user`'s blog as the server does, completed.
    bool cache_is_server(const std::string& user, RawXmppClient& owner) {
        std::string state;
        auto cached = cached_blog(user, &state);
        auto held = server_blog(owner, user);
        INFO("cache (", state, "): ", cached.first.size(), " items; server: ", held.first.size());
        return state == "completed" && cached == held;
    }
};

Fixture<ProsodyServer>& prosody() {
    static auto instance = std::make_unique<Fixture<ProsodyServer>>();
    return *instance;
}

Fixture<EjabberdServer>& ejabberd() {
    static auto instance = std::make_unique<Fixture<EjabberdServer>>();
    return *instance;
}

std::vector<std::string> post_ids(const json& answer) {
    std::vector<std::string> ids;
    for (const auto& post : answer["posts"]) ids.push_back(post["item_id"]);
    return ids;
}

template <class Server>
void contact_blog(Fixture<Server>& f) {
    // The server sent alice bob's last post when her roostd came online: his whole blog
    // is synced, in the server's order, as the server holds it.
    bool pushed =
        poll_until(std::chrono::seconds(5), [&] { return f.cache_is_server("bob", *f.bob); });
    bool new_post_sent = false;
    if (!pushed && std::is_same_v<Server, EjabberdServer>) {
        // ejabberd 23.01 does not always send the last item on presence (about one run in
        // four here): bob's next post is then what alice's Roost sees first.
        MESSAGE("ejabberd sent no last item on presence; bob's next post shows his blog");
        f.publish(*f.bob, "b4", entry("bob", 4));
        new_post_sent = true;
    }
    INFO(f.daemon->log());
    REQUIRE(poll_until(std::chrono::seconds(10), [&] { return f.cache_is_server("bob", *f.bob); }));
    CHECK(f.cached_blog("bob").first.size() == (new_post_sent ? 4u : 3u));
    CHECK(f.cached_blog("bob").first[0] == "b1");

    // A new post arrives live, a retraction too.
    if (!new_post_sent) f.publish(*f.bob, "b4", entry("bob", 4));
    CHECK(poll_until(std::chrono::seconds(10),
                     [&] { return f.cached_blog("bob").first.size() == 4; }));
    f.retract(*f.bob, "b2");
    CHECK(poll_until(std::chrono::seconds(10),
                     [&] { return f.cached_blog("bob").first.size() == 3; }));
    CHECK(f.cache_is_server("bob", *f.bob));

    json read = f.ok({"blog", "get", "--jid", f.jid("bob")});
    CHECK(read["from_cache"] == true);
    CHECK(post_ids(read) == std::vector<std::string>{"b4", "b3", "b1"});
    CHECK(read["posts"][0]["title"] == "bob's post 4");

    json following = f.ok({"blog", "following"});
    REQUIRE(following["blogs"].size() >= 1);
    json bob = following["blogs"][0];
    CHECK(bob["jid"] == f.jid("bob"));
    CHECK(bob["followed"] == "notification");
    CHECK(bob["active"] == true);
    CHECK(bob["roster_subscription"] == "both");
    CHECK(bob["sync_state"] == "completed");
    CHECK(bob["items"] == 3);

    // Bob leaves alice's roster: his blog is no longer followed; its posts stay cached.
    f.ok({"roster", "remove", f.jid("bob")});
    json stopped;
    CHECK(poll_until(std::chrono::seconds(10), [&] {
        stopped = f.ok({"blog", "following"})["blogs"][0];
        return stopped["active"] == false;
    }));
    CHECK(stopped["reason"] == f.jid("bob") + " left the roster");
    CHECK(stopped["sync_state"] == nullptr);
    CHECK(stopped["subscribed"] == false);
    CHECK(stopped["items"] == 3);
}

template <class Server>
void explicit_follow(Fixture<Server>& f) {
    // Carol is nobody's contact; her blog is open (made so in the fixture).
    f.publish(*f.carol, "c1", entry("carol", 1));
    f.publish(*f.carol, "c2", entry("carol", 2));
    json followed = f.ok({"blog", "follow", f.jid("carol")});
    CHECK(followed["followed"] == "explicit");
    CHECK(followed["sync_state"] == "completed");
    CHECK(followed["items"] == 2);
    CHECK(f.cache_is_server("carol", *f.carol));
    json read = f.ok({"blog", "get", "--jid", f.jid("carol")});
    CHECK(read["from_cache"] == true);
    CHECK(post_ids(read) == std::vector<std::string>{"c2", "c1"});

    // Her next post reaches the cache through the subscription the follow made.
    f.publish(*f.carol, "c3", entry("carol", 3));
    CHECK(poll_until(std::chrono::seconds(10),
                     [&] { return f.cached_blog("carol").first.size() == 3; }));

    json unfollowed = f.ok({"blog", "unfollow", f.jid("carol")});
    CHECK(unfollowed["active"] == false);
    CHECK(unfollowed["sync_state"] == nullptr);
    auto [code, again] = f.cli_as({"blog", "unfollow", f.jid("carol")});
    CHECK(code == 4);
    CHECK(again["error"]["code"] == -32001);
    // Reads go to the server again.
    CHECK(f.ok({"blog", "get", "--jid", f.jid("carol")})["from_cache"] == false);
}

}  // namespace

TEST_CASE("prosody: a contact's blog is synced whole, kept current, read from the cache") {
    contact_blog(prosody());
}

TEST_CASE("prosody: a non-contact's open blog is followed and unfollowed") {
    explicit_follow(prosody());
}

TEST_CASE("ejabberd: a contact's blog is synced whole, kept current, read from the cache") {
    contact_blog(ejabberd());
}

TEST_CASE("ejabberd: a non-contact's open blog is followed and unfollowed") {
    explicit_follow(ejabberd());
}

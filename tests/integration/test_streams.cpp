// SPDX-License-Identifier: MIT
// Streams on a real Prosody: eleven accounts blog; a stream of a roster group merges exactly
// the posts of its members, newest first, whole (canonical XML) and paged by cursor; an
// account added to the group while a client follows the stream brings its posts into that
// subscription; replacing the rule sends `recomposed` and the new feeds' items; deleting
// and defining again keeps an early subscriber served; what changed while roostd was
// offline reaches a follower at the resync; a node cached by a sync joins a `type` stream;
// bad rules are refused (-32602).
#include "src/ipc/IpcClient.hpp"
#include "tests/support/CacheFixture.hpp"
#include "tests/support/CanonicalXml.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/RawXmppClient.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int kPublishers = 11;  // p0..p9 in the group, p10 joins it later
constexpr int kPostsEach = 2;

std::string publisher(int n) { return "p" + std::to_string(n); }

// Post `k` of publisher `n`: dates interleave the publishers, so that a merge by time
// mixes every feed.
std::string entry(int n, int k) {
    int minute = k * kPublishers + n;
    std::string mm = (minute < 10 ? "0" : "") + std::to_string(minute);
    return "<entry xmlns='http://www.w3.org/2005/Atom' xml:lang='en'>\n  <title>" + publisher(n) +
           " post " + std::to_string(k) + "</title>\n  <content type='text'>Minute " +
           std::to_string(minute) + ".</content>\n  <published>2024-03-01T10:" + mm +
           ":00Z</published>\n  <updated>2024-03-01T10:" + mm + ":00Z</updated>\n</entry>";
}

std::string item_id(int n, int k) { return publisher(n) + "-" + std::to_string(k); }

struct Fixture : CacheFixture<ProsodyServer> {
    std::string reader_jid;
    std::map<std::string, std::string> published;  // "jid/item id" -> canonical payload

    static XmppServerOptions options() {
        XmppServerOptions o;
        o.users = {"reader"};
        for (int n = 0; n < kPublishers; ++n) o.users.push_back(publisher(n));
        return o;
    }

    Fixture() : CacheFixture<ProsodyServer>(options()) {
        reader_jid = jid("reader");
        for (int n = 0; n < kPublishers; ++n) {
            RawXmppClient raw(server, publisher(n), "blog");
            raw.request("create", create_open_blog());
            for (int k = 0; k < kPostsEach; ++k) {
                std::string id = "pub" + std::to_string(k);
                raw.request(id, "<iq type='set' id='" + id +
                                    "'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                    "<publish node='" +
                                    kMicroblog + "'><item id='" + item_id(n, k) + "'>" +
                                    entry(n, k) + "</item></publish></pubsub></iq>");
                published[jid(publisher(n)) + "/" + item_id(n, k)] = canonical_xml(entry(n, k));
            }
        }
        daemon = std::make_unique<Daemon>(profile_toml(server, "reader"));
        roost = std::make_unique<CacheClient>(*daemon);
        REQUIRE(roost->wait_connected(1));
        for (int n = 0; n < 10; ++n) add_to_roster(n, {"Ten"});
    }

    std::string jid(const std::string& user) const { return user + "@" + server.domain(); }

    // Publisher `n` asks its blog for `action` (publish or retract) of one item.
    void blog_request(int n, const std::string& action, const std::string& item) {
        RawXmppClient raw(server, publisher(n), "blog");
        raw.request(action, "<iq type='set' id='" + action +
                                "'><pubsub xmlns='http://jabber.org/protocol/pubsub'><" + action +
                                " node='" + kMicroblog + "'" +
                                (action == "retract" ? " notify='true'" : "") + ">" + item + "</" +
                                action + "></pubsub></iq>");
    }

    static std::string create_open_blog() {
        return "<iq type='set' id='create'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
               "<create node='" +
               std::string(kMicroblog) +
               "'/><configure><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' "
               "type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value>"
               "</field><field var='pubsub#max_items'><value>10</value></field><field "
               "var='pubsub#access_model'><value>open</value></field></x></configure>"
               "</pubsub></iq>";
    }

    void add_to_roster(int n, const std::vector<std::string>& groups) {
        roost->call("roster.add", {{"jid", jid(publisher(n))}, {"groups", groups}});
    }

    json define(const std::string& name, const json& rule) {
        return roost->call("stream.define", {{"name", name}, {"rule", rule}});
    }

    // Waits until every feed of the stream is synced; its feeds' states otherwise.
    bool wait_synced(const std::string& name, std::size_t feeds) {
        return poll_until(30s, [&] {
            auto shown = roost->call("stream.show", {{"name", name}});
            if (shown["feeds"].size() != feeds) return false;
            return std::all_of(shown["feeds"].begin(), shown["feeds"].end(),
                               [](const json& f) { return f["state"] == "synced"; });
        });
    }

    // Every item of the stream, page after page of `limit`.
    std::vector<json> all_items(const std::string& name, int limit) {
        std::vector<json> items;
        json params = {{"name", name}, {"limit", limit}};
        for (int pages = 0; pages < 100; ++pages) {
            auto page = roost->call("stream.get", params);
            for (const auto& item : page["items"]) items.push_back(item);
            if (page["next"].is_null()) break;
            params["after"] = page["next"];
        }
        return items;
    }

    // What a stream should show of publishers `members`: "jid/item id", newest first.
    std::vector<std::string> expected(const std::vector<int>& members) const {
        std::vector<std::pair<int, std::string>> dated;
        for (int n : members)
            for (int k = 0; k < kPostsEach; ++k)
                dated.emplace_back(k * kPublishers + n, jid(publisher(n)) + "/" + item_id(n, k));
        std::sort(dated.rbegin(), dated.rend());
        std::vector<std::string> keys;
        for (const auto& [minute, key] : dated) keys.push_back(key);
        return keys;
    }

    static std::string key_of(const json& item) {
        return item["feed"]["service"].get<std::string>() + "/" + item["id"].get<std::string>();
    }

    // The items of notifications of `stream` until `done` holds or the time is up.
    static std::vector<json> notes(roost::ipc::IpcClient& client, const std::string& event,
                                   const std::function<bool(const std::vector<json>&)>& done) {
        std::vector<json> seen;
        auto deadline = std::chrono::steady_clock::now() + scaled(30s);
        while (!done(seen) && std::chrono::steady_clock::now() < deadline) {
            auto note = client.next_notification(200ms);
            if (note && note->data["event"] == event) seen.push_back(note->data);
        }
        return seen;
    }
};

std::vector<std::string> keys_of(const std::vector<json>& items) {
    std::vector<std::string> keys;
    for (const auto& item : items) keys.push_back(Fixture::key_of(item));
    return keys;
}

std::set<std::string> item_keys(const std::vector<json>& notes) {
    std::set<std::string> keys;
    for (const auto& note : notes)
        for (const auto& item : note["items"]) keys.insert(Fixture::key_of(item));
    return keys;
}

}  // namespace

TEST_CASE("prosody: a stream of a roster group merges its members' posts, follows the group and "
          "its redefinitions") {
    Fixture f;
    roost::ipc::IpcClient follower(f.daemon->socket());
    // Subscribed before the stream exists: served as soon as it is defined.
    follower.call("stream.subscribe", {{"name", "ten"}});

    auto defined = f.define("ten", {{"feeds", {{{"group", "Ten"}}}}});
    CHECK(defined["replaced"] == false);
    CHECK(defined["feeds"].size() == 10);
    REQUIRE(f.wait_synced("ten", 10));

    INFO("exactly the group's posts, newest first by their own dates, whole");
    std::vector<int> ten = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    auto items = f.all_items("ten", 100);
    CHECK(keys_of(items) == f.expected(ten));
    for (const auto& item : items) {
        CAPTURE(Fixture::key_of(item));
        CHECK(canonical_payloads("<items>" + item["xml"].get<std::string>() + "</items>")
                  .begin()
                  ->second == f.published.at(Fixture::key_of(item)));
        CHECK(item["parsed"]["title"] == item["id"].get<std::string>().substr(0, 2) + " post " +
                                             item["id"].get<std::string>().substr(3));
    }
    CHECK(keys_of(f.all_items("ten", 7)) == f.expected(ten));  // pages by cursor, none lost
    auto printed = f.daemon->roost({"stream", "get", "ten", "--limit", "2"});
    CHECK(printed.exit_code == 0);
    CHECK(printed.out.find("p9 post 1") < printed.out.find("p8 post 1"));
    CHECK(printed.out.find("p7 post 1") == std::string::npos);
    auto shown = f.daemon->roost({"stream", "show", "ten"});
    CHECK(shown.exit_code == 0);
    CHECK(shown.out.find("--group Ten") != std::string::npos);

    INFO("an account that joins the group brings its posts to the subscription");
    f.add_to_roster(10, {"Ten"});
    auto joined = Fixture::notes(follower, "items", [&](const std::vector<json>& seen) {
        return item_keys(seen).contains(f.expected({10}).front()) &&
               item_keys(seen).contains(f.expected({10}).back());
    });
    CHECK(item_keys(joined).contains(f.expected({10}).front()));
    CHECK(item_keys(joined).contains(f.expected({10}).back()));
    std::vector<int> eleven = ten;
    eleven.push_back(10);
    CHECK(keys_of(f.all_items("ten", 100)) == f.expected(eleven));

    INFO("a replaced rule says so and brings the new feeds' items");
    follower.call("stream.subscribe", {{"name", "two"}});
    f.define("two", {{"feeds", {{{"blog", f.jid("p1")}}}}});
    REQUIRE(f.wait_synced("two", 1));
    auto replaced =
        f.define("two", {{"feeds", {{{"blog", f.jid("p2")}}, {{"blog", f.jid("p3")}}}}});
    CHECK(replaced["replaced"] == true);
    auto recomposed = Fixture::notes(follower, "recomposed", [](const std::vector<json>& seen) {
        return std::any_of(seen.begin(), seen.end(), [](const json& n) {
            return n["stream"] == "two" && n["why"] == "replaced";
        });
    });
    REQUIRE_FALSE(recomposed.empty());
    auto p3_posts = Fixture::notes(follower, "items", [&](const std::vector<json>& seen) {
        return item_keys(seen).contains(f.expected({3}).front());
    });
    CHECK(item_keys(p3_posts).contains(f.expected({3}).front()));
    CHECK(keys_of(f.all_items("two", 100)) == f.expected({2, 3}));

    INFO("deleted and defined again, the stream still reaches its early subscriber");
    f.roost->call("stream.delete", {{"name", "two"}});
    CHECK_THROWS(f.roost->call("stream.get", {{"name", "two"}}));
    f.define("two", {{"feeds", {{{"blog", f.jid("p4")}}}}});
    auto again = Fixture::notes(follower, "items", [&](const std::vector<json>& seen) {
        return item_keys(seen).contains(f.expected({4}).front());
    });
    CHECK(item_keys(again).contains(f.expected({4}).front()));
}

TEST_CASE("prosody: what changed while roostd was offline reaches a follower at the resync; a "
          "node cached by a sync joins a type stream") {
    Fixture f;
    roost::ipc::IpcClient follower(f.daemon->socket());
    follower.call("stream.subscribe", {{"name", "p0"}});
    follower.call("stream.subscribe", {{"name", "blogs"}});
    f.define("p0", {{"feeds", {{{"blog", f.jid("p0")}}}}});
    REQUIRE(f.wait_synced("p0", 1));
    auto blogs = f.define("blogs", {{"feeds", {{{"type", "blog"}}}}});
    CHECK(blogs["feeds"].size() >= 1);  // p0's, and any contact's blog cached by now

    INFO("offline: p0 edits p0-0, retracts p0-1 and posts p0-new");
    f.roost->call("profile.disconnect", {{"profile", "reader"}});
    REQUIRE(f.roost->wait_connected(0));
    std::string edited = "<entry xmlns='http://www.w3.org/2005/Atom'><title>p0 post 0, "
                         "edited</title><published>2024-03-01T10:00:00Z</published>"
                         "<updated>2024-03-01T12:00:00Z</updated></entry>";
    f.blog_request(0, "publish", "<item id='p0-0'>" + edited + "</item>");
    f.blog_request(0, "retract", "<item id='p0-1'/>");
    f.blog_request(0, "publish", "<item id='p0-new'>" + entry(0, 5) + "</item>");
    f.roost->call("profile.connect", {{"profile", "reader"}});
    REQUIRE(f.roost->wait_connected(1));

    // The edit and the retraction only a resync can bring: the server resends no more
    // than the last item on a reconnect.
    std::string p0 = f.jid("p0");
    auto items = Fixture::notes(follower, "items", [&](const std::vector<json>& seen) {
        for (const auto& note : seen)
            for (const auto& item : note["items"])
                if (note["stream"] == "p0" && Fixture::key_of(item) == p0 + "/p0-0" &&
                    item["parsed"]["title"] == "p0 post 0, edited")
                    return true;
        return false;
    });
    CHECK(item_keys(items).contains(p0 + "/p0-0"));
    auto retracted = Fixture::notes(follower, "retracted", [&](const std::vector<json>& seen) {
        return std::any_of(seen.begin(), seen.end(),
                           [](const json& n) { return n["stream"] == "p0"; });
    });
    REQUIRE_FALSE(retracted.empty());
    CHECK(retracted.front()["items"] ==
          json::array({{{"feed", {{"service", p0}, {"node", kMicroblog}}}, {"id", "p0-1"}}}));
    CHECK(keys_of(f.all_items("p0", 100)) ==
          std::vector<std::string>{p0 + "/p0-new", p0 + "/p0-0"});

    INFO("p10's blog, cached by a sync, joins the type stream with its posts");
    f.roost->call("pubsub.cache.sync", {{"service", f.jid("p10")}, {"node", kMicroblog}});
    std::string p10 = f.jid("p10");
    auto joined = Fixture::notes(follower, "recomposed", [&](const std::vector<json>& seen) {
        return std::any_of(seen.begin(), seen.end(), [&](const json& n) {
            return n["stream"] == "blogs" && n["why"] == "new node" &&
                   n["joined"].dump().find(p10) != std::string::npos;
        });
    });
    REQUIRE_FALSE(joined.empty());
    auto p10_posts = Fixture::notes(follower, "items", [&](const std::vector<json>& seen) {
        return item_keys(seen).contains(f.expected({10}).front());
    });
    CHECK(item_keys(p10_posts).contains(f.expected({10}).front()));
    CHECK(item_keys(p10_posts).contains(f.expected({10}).back()));
}

TEST_CASE("prosody: bad stream rules are refused with what is wrong; an unknown group is empty") {
    Fixture f;
    auto refused = [&](const json& rule) -> std::string {
        try {
            f.define("bad", rule);
        } catch (const roost::ipc::IpcCallError& e) {
            CHECK(e.code() == -32602);
            return e.what();
        }
        FAIL("accepted: " << rule.dump());
        return {};
    };
    CHECK(refused({{"feeds", json::array()}}).find("non-empty array") != std::string::npos);
    CHECK(refused(json::object()).find("needs \"feeds\"") != std::string::npos);
    CHECK(refused({{"feeds", {{{"blog", "not a jid@@"}}}}}).find("not a valid JID") !=
          std::string::npos);
    CHECK(refused({{"feeds", {{{"planet", "x"}}}}}).find("unknown selector \"planet\"") !=
          std::string::npos);
    CHECK(refused({{"feeds", {{{"stream", "ten"}}}}}).find("a stream cannot name a stream") !=
          std::string::npos);
    CHECK(f.roost->call("stream.list", json::object())["streams"].empty());
    auto cli = f.daemon->roost({"stream", "define", "bad", "--blog", "not a jid@@"});
    CHECK(cli.exit_code == 2);
    CHECK(cli.err.find("not a valid JID") != std::string::npos);

    auto empty = f.define("nobody", {{"feeds", {{{"group", "No such group"}}}}});
    CHECK(empty["feeds"].empty());
    auto page = f.roost->call("stream.get", {{"name", "nobody"}});
    CHECK(page["items"].empty());
    CHECK(page["next"].is_null());
}

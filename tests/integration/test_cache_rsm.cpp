// SPDX-License-Identifier: MIT
// The cache answers RSM requests exactly as ejabberd (which pages pubsub items with
// XEP-0059) answers them: same items in the same order, same pages (index, count), the
// last page, past the end, no hidden limit, max_items and item ids. And a purge in the
// middle of a sync of pages never leaves the node half-empty as completed.
#include "tests/support/CacheFixture.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/EjabberdServer.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <set>
#include <string>
#include <thread>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int kPosts = 45;  // more than two pages of 20, the reference's hidden cap

// ejabberd with alice and bob; alice's blog node holds kPosts posts; bob's cache has it.
struct Fixture : CacheFixture<EjabberdServer> {
    json alices;
    json bobs;

    Fixture() : CacheFixture(XmppServerOptions{.users = {"alice", "bob"}}) {
        start_roost();
        alices = CacheClient::target("alice", server.pubsub_service(), kMicroblog);
        bobs = CacheClient::target("bob", server.pubsub_service(), kMicroblog);
        json create = alices;
        create["config"] = {{"pubsub#max_items", "1000"}};
        roost->call("pubsub.node.create", create);
        for (int n = 0; n < kPosts; ++n) roost->publish(alices, post_id(n), atom_post(n));
        roost->get(bobs);
        REQUIRE_MESSAGE(roost->wait_state(bobs, "completed"), daemon->log());
    }
};

Fixture& fixture() {
    static auto instance = std::make_unique<Fixture>();
    return *instance;
}

// What a page is, whatever its RSM keys: XEP-0059 keys are opaque (ejabberd's are
// times, the cache's are item ids), so the keys are compared by what they lead to.
json page_of(const json& answer) {
    json rsm = answer["rsm"];
    if (rsm.is_object()) {
        rsm.erase("first");
        rsm.erase("last");
        // ejabberd 23.01 numbers a short first page from below 0 (-5 for 5 items
        // before the page of 10 asked for); the cache gives their index, 0.
        if (rsm.contains("first_index") && rsm["first_index"].get<int>() < 0)
            rsm["first_index"] = 0;
    }
    return {{"ids", ids_of(answer["items"])}, {"rsm", rsm}};
}

struct Answers {
    json server;
    json cached;
};

// The same request to the server and to the cache; `server_extra` and `cache_extra`
// add each side's own RSM keys.
Answers ask(json request, json server_extra = json::object(), json cache_extra = json::object()) {
    auto& f = fixture();
    json params = f.bobs;
    params.update(request);
    json to_server = params;
    to_server.update(server_extra);
    json to_cache = params;
    to_cache.update(cache_extra);
    Answers answers{f.roost->get(to_server, true), f.roost->get(to_cache)};
    REQUIRE(answers.server["from_cache"] == false);
    REQUIRE(answers.cached["from_cache"] == true);
    return answers;
}

// The same items, in the same order, and for an RSM request the same page of the same
// count (a <set/> the request did not ask for is the server's extra).
void same_answer(const Answers& answers, bool paged) {
    INFO("server: " << answers.server["rsm"].dump() << " "
                    << json(ids_of(answers.server["items"])).dump());
    INFO("cache:  " << answers.cached["rsm"].dump() << " "
                    << json(ids_of(answers.cached["items"])).dump());
    if (paged)
        CHECK(page_of(answers.cached) == page_of(answers.server));
    else
        CHECK(ids_of(answers.cached["items"]) == ids_of(answers.server["items"]));
    if (!answers.server["items"].empty())
        CHECK(answers.cached["items"][0]["xml"] == answers.server["items"][0]["xml"]);
}

void same_answer(json request) {
    INFO("request: " << request.dump());
    bool paged = request.contains("max") || request.contains("index");
    same_answer(ask(std::move(request)), paged);
}

// RSM keys of a page, for the next request: {"after": last} or {"before": first}.
json key(const json& answer, const char* direction) {
    return {{direction, answer["rsm"][std::string(direction) == "after" ? "last" : "first"]}};
}

}  // namespace

TEST_CASE(
    "ejabberd: a request without a limit gets every item, from the cache as from the server") {
    auto& f = fixture();
    json all = f.roost->get(f.bobs);
    CHECK(all["from_cache"] == true);
    CHECK(all["items"].size() == kPosts);
    same_answer(json::object());
}

TEST_CASE("ejabberd: RSM pages from the cache equal the server's") {
    same_answer({{"max", 10}});                  // the first page
    same_answer({{"max", 10}, {"before", ""}});  // the last page
    same_answer({{"max", 10}, {"index", 0}});
    same_answer({{"max", 10}, {"index", 20}});
    same_answer({{"max", 10}, {"index", 40}});  // a short page
    same_answer({{"max", 0}});                  // the count only
}

TEST_CASE("ejabberd: walking pages with after and before, each side with its own keys") {
    json page{{"max", 10}};
    SUBCASE("forwards, to an empty page past the end") {
        Answers at = ask(page);
        for (int n = 0; n < 5; ++n) {
            INFO("page " << n + 1);
            Answers next = ask(page, key(at.server, "after"), key(at.cached, "after"));
            same_answer(next, true);
            at = next;
        }
        CHECK(at.server["items"].empty());
    }
    SUBCASE("backwards from the last page, to a short first page") {
        Answers at = ask({{"max", 10}, {"before", ""}});
        for (int n = 0; n < 4; ++n) {
            INFO("page " << n + 1);
            Answers next = ask(page, key(at.server, "before"), key(at.cached, "before"));
            same_answer(next, true);
            at = next;
        }
        CHECK(at.server["items"].size() == kPosts % 10);
    }
}

TEST_CASE("ejabberd: max_items and item ids from the cache equal the server's") {
    same_answer({{"max_items", 7}});
    same_answer({{"items", {post_id(3), post_id(30), post_id(12)}}});
    same_answer({{"items", {post_id(3), "no-such-item"}}});
}

TEST_CASE("ejabberd: a purge during a sync of pages ends it; the node is not left completed") {
    auto& f = fixture();
    constexpr int kBig = 3000;  // three pages
    json alices =
        CacheClient::target("alice", f.server.pubsub_service(), "urn:xmpp:microblog:0-big");
    json create = alices;
    create["config"] = {{"pubsub#max_items", "10000"}};
    f.roost->call("pubsub.node.create", create);
    for (int n = 0; n < kBig; ++n) f.roost->publish(alices, post_id(n), atom_post(n));
    json bobs = alices;
    bobs["profile"] = "bob";

    roost::test::RunResult sync;
    std::thread syncing([&] {
        sync =
            f.daemon->roost({"--json", "pubsub", "cache", "sync", "--profile", "bob", "--service",
                             f.server.pubsub_service(), "--node", bobs["node"].get<std::string>()});
    });
    bool caught = poll_until(10s, [&] {
        json node = f.roost->node_state(bobs);
        return !node.is_null() && node["syncing"] == true;
    });
    json purge{{"profile", "bob"}, {"node", bobs["node"]}};
    if (caught) f.roost->call("pubsub.cache.purge", purge);
    syncing.join();
    REQUIRE_MESSAGE(caught, f.daemon->log());
    CHECK(sync.exit_code != 0);
    CHECK((sync.out + sync.err).find("purged during its sync") != std::string::npos);
    std::this_thread::sleep_for(1s);  // the pages that were on their way
    json state = f.roost->node_state(bobs);
    CHECK(state["sync_state"].is_null());
    CHECK(f.roost->get(bobs)["from_cache"] == false);  // a read goes to the server...
    REQUIRE(f.roost->wait_state(bobs, "completed"));   // ...and resyncs it whole
    CHECK(f.roost->cached_ids(bobs).size() == kBig);
}

TEST_CASE("ejabberd: what one does to one's own PEP node reaches the cache at once, though "
          "ejabberd sends no event of a deletion or a purge there") {
    auto& f = fixture();
    json own = CacheClient::target("alice", "", std::string(kMicroblog) + ":own");
    json create = own;
    create["config"] = {{"pubsub#max_items", "10"}};  // PEP keeps 1 item by default
    f.roost->call("pubsub.node.create", create);
    for (int n = 0; n < 3; ++n) f.roost->publish(own, post_id(n), atom_post(n));
    f.roost->get(own);
    REQUIRE_MESSAGE(f.roost->wait_state(own, "completed"), f.daemon->log());
    REQUIRE(f.roost->cached_ids(own).size() == 3);

    json retract = own;
    retract["item"] = post_id(0);
    f.roost->call("pubsub.retract", retract);
    CHECK(f.roost->cached_ids(own) == std::set<std::string>{post_id(1), post_id(2)});
    f.roost->call("pubsub.node.purge", own);
    CHECK(f.roost->cached_ids(own).empty());
    f.roost->call("pubsub.node.delete", own);
    CHECK(f.roost->node_state(own).is_null());
}

// SPDX-License-Identifier: MIT
// The pubsub_cache plugin through a real roostd (xep_0060, xep_0277, pubsub_cache)
// against a real Prosody: sync on first read, answers from the cache equal to the
// server's, events, search, purge and reset.
#include "tests/support/CacheFixture.hpp"
#include "tests/support/ProsodyServer.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <set>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int kPostCount = 300;
constexpr const char* kBlog = kMicroblog;
constexpr const char* kBrokenId = "broken";

// Prosody with alice and bob; a roostd with both profiles and the build tree's plugins;
// alice's blog node on the pubsub component holds kPostCount posts and one broken item.
struct Fixture : CacheFixture<ProsodyServer> {
    Fixture() {
        start_roost();
        json create = target("alice");
        create["config"] = {{"pubsub#max_items", "1000"}};
        call("pubsub.node.create", create);
        for (int n = 0; n < kPostCount; ++n) {
            publish(post_id(n), atom_post(n));
            if (n == kPostCount / 2)
                publish(kBrokenId, "<note xmlns='urn:roost:not-atom'>hi</note>");
        }
    }

    json call(const std::string& method, json params) {
        return roost->call(method, std::move(params));
    }

    json target(const std::string& profile) {
        return CacheClient::target(profile, server.pubsub_service(), kBlog);
    }

    void publish(const std::string& id, const std::string& payload) {
        REQUIRE(roost->publish(target("alice"), id, payload)["item"] == id);
    }

    std::pair<int, json> cli_get(std::vector<std::string> more = {}) {
        std::vector<std::string> args{"pubsub", "get", "--service", server.pubsub_service(),
                                      "--node", kBlog};
        args.insert(args.end(), more.begin(), more.end());
        return cli(args);
    }

    json blog_state() { return roost->node_state(target("bob")); }

    std::set<std::string> cached_ids() { return roost->cached_ids(target("bob")); }
};

Fixture& fixture() {
    static auto instance = std::make_unique<Fixture>();
    return *instance;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE(
    "prosody: the first read comes from the server and syncs the node; then the cache answers like "
    "the server") {
    auto& f = fixture();
    auto start = std::chrono::steady_clock::now();
    auto [code, first] = f.cli_get();
    REQUIRE(code == 0);
    CHECK(first["from_cache"] == false);
    CHECK(first["items"].size() == kPostCount + 1);

    REQUIRE_MESSAGE(poll_until(20s, [&] { return f.blog_state()["sync_state"] == "completed"; }),
                    f.daemon->log());
    std::cout << "[figures] sync of " << kPostCount + 1
              << " items, from the first read: " << seconds_since(start) << " s\n";
    json state = f.blog_state();
    CHECK(state["analyser"] == "xep_0277");
    CHECK(state["type"] == "blog");
    CHECK(state["subscribed"] == true);
    // One fetch served the read and the sync: the sync itself asked for nothing.
    CHECK(f.daemon->log().find("(" + std::to_string(kPostCount + 1) + " items, 0 requests)") !=
          std::string::npos);

    auto [server_code, server] = f.cli_get({"--no-cache"});
    REQUIRE(server_code == 0);
    CHECK(server["from_cache"] == false);
    auto cached_start = std::chrono::steady_clock::now();
    auto [cached_code, cached] = f.cli_get();
    std::cout << "[figures] roost pubsub get of " << kPostCount + 1
              << " items from the cache: " << seconds_since(cached_start) << " s\n";
    REQUIRE(cached_code == 0);
    CHECK(cached["from_cache"] == true);
    CHECK(ids_of(cached["items"]) == ids_of(server["items"]));
    CHECK(cached["items"][0]["xml"] == server["items"][0]["xml"]);

    // Prosody answers a page size with the newest items (no RSM): the cache the same.
    auto [server_max_code, server_max] = f.cli_get({"--no-cache", "--max", "10"});
    auto [cached_max_code, cached_max] = f.cli_get({"--max", "10"});
    CHECK(cached_max["from_cache"] == true);
    // Named copies: INFO's lambda can't capture a structured binding under clang 14.
    std::string server_page = json(ids_of(server_max["items"])).dump();
    std::string cached_page = json(ids_of(cached_max["items"])).dump();
    INFO("server: " << server_page);
    INFO("cache: " << cached_page);
    CHECK(ids_of(cached_max["items"]) == ids_of(server_max["items"]));
    CHECK(cached_max["rsm"]["count"] == kPostCount + 1);

    // RSM paging the cache offers where Prosody does not, in the server's order (oldest
    // first, as ejabberd pages): a bare page size is the newest page.
    auto all = ids_of(server["items"]);
    auto slice = [&](std::size_t from, std::size_t to) {
        return std::vector<std::string>(all.begin() + from, all.begin() + to);
    };
    std::size_t n = all.size();
    CHECK(cached_max["rsm"]["first_index"] == n - 10);
    std::string newest_first = cached_max["rsm"]["first"];
    auto [before_code, before] = f.cli_get({"--max", "10", "--before", newest_first});
    CHECK(before_code == 0);
    CHECK(ids_of(before["items"]) == slice(n - 20, n - 10));
    CHECK(before["rsm"]["first_index"] == n - 20);
    auto [after_code, after] = f.cli_get({"--max", "5", "--after", all[n - 20]});
    CHECK(ids_of(after["items"]) == slice(n - 19, n - 14));
    auto [index_code, by_index] = f.cli_get({"--max", "5", "--index", "0"});
    CHECK(ids_of(by_index["items"]) == slice(0, 5));
    CHECK(by_index["rsm"]["first_index"] == 0);
    auto [last_code, last_page] = f.cli_get({"--max", "5", "--before", ""});
    CHECK(ids_of(last_page["items"]) == slice(n - 5, n));
    CHECK(last_page["rsm"]["last"] == all[n - 1]);
    CHECK(last_page["rsm"]["count"] == n);
    auto [past_code, past_end] = f.cli_get({"--max", "5", "--after", all[n - 1]});
    CHECK(past_code == 0);
    CHECK(past_end["items"].empty());
    CHECK(past_end["rsm"]["count"] == n);

    auto [ids_code, by_id] = f.cli_get({"--item", "post-007", "--item", "post-123"});
    auto [server_ids_code, server_by_id] =
        f.cli_get({"--no-cache", "--item", "post-007", "--item", "post-123"});
    CHECK(by_id["from_cache"] == true);
    auto cached_ids = ids_of(by_id["items"]);
    CHECK(std::set<std::string>{"post-007", "post-123"} ==
          std::set<std::string>(cached_ids.begin(), cached_ids.end()));
    CHECK(by_id["items"].size() == server_by_id["items"].size());
}

TEST_CASE("prosody: a broken payload is stored with its parse error and the sync completes") {
    auto& f = fixture();
    REQUIRE(f.blog_state()["sync_state"] == "completed");
    json hits = f.call("pubsub.cache.search", {{"profile", "bob"}, {"query", "limit 1000"}});
    bool found = false;
    for (const auto& hit : hits["hits"]) {
        if (hit["id"] != kBrokenId) continue;
        found = true;
        CHECK(hit["parsed"].is_null());
        CHECK(hit["parse_error"].get<std::string>().find("not an Atom entry") != std::string::npos);
    }
    CHECK(found);
}

TEST_CASE("prosody: search finds cached posts by words and by field") {
    auto& f = fixture();
    auto [code, herons] =
        f.cli({"pubsub", "cache", "search", "fts:\"heron pond\"", "--limit", "1000"});
    REQUIRE(code == 0);
    CHECK(herons["hits"].size() == kPostCount / 10);
    auto [title_code, by_title] =
        f.cli({"pubsub", "cache", "search", "title contains \"Post 123 \""});
    REQUIRE(title_code == 0);
    REQUIRE(by_title["hits"].size() == 1);
    CHECK(by_title["hits"][0]["id"] == "post-123");
    CHECK(by_title["hits"][0]["parsed"]["author"]["name"] == "alice");
    auto [bad_code, bad] = f.cli({"pubsub", "cache", "search", "title ~ \"x\""});
    CHECK(bad_code != 0);
}

TEST_CASE("prosody: a publication, a retraction and a purge reach the cache within a second") {
    auto& f = fixture();
    auto start = std::chrono::steady_clock::now();
    f.publish("fresh", atom_post(1000));
    CHECK(poll_until(1s, [&] { return f.cached_ids().contains("fresh"); }));
    std::cout << "[figures] publication in the cache after " << seconds_since(start) << " s\n";
    auto [code, newest] = f.cli_get({"--max", "1"});
    CHECK(newest["from_cache"] == true);
    CHECK(ids_of(newest["items"]) == std::vector<std::string>{"fresh"});
    CHECK(ids_of(f.cli_get().second["items"]).back() == "fresh");
    // Sent again (as on presence): stored once, nothing changes.
    f.publish("fresh", atom_post(1000));
    CHECK(f.cached_ids().size() == kPostCount + 2);

    json retract = f.target("alice");
    retract["item"] = "post-005";
    start = std::chrono::steady_clock::now();
    f.call("pubsub.retract", retract);
    CHECK(poll_until(1s, [&] { return !f.cached_ids().contains("post-005"); }));
    std::cout << "[figures] retraction in the cache after " << seconds_since(start) << " s\n";

    f.call("pubsub.node.purge", f.target("alice"));
    CHECK(poll_until(1s, [&] { return f.cached_ids().empty(); }));
    CHECK(f.blog_state()["sync_state"] == "completed");
    auto [empty_code, empty] = f.cli_get();
    CHECK(empty["from_cache"] == true);
    CHECK(empty["items"].empty());
}

TEST_CASE("prosody: cache sync, purge and reset do what they say") {
    auto& f = fixture();
    for (int n = 0; n < 20; ++n) f.publish(post_id(n), atom_post(n));
    auto [sync_code, synced] =
        f.cli({"pubsub", "cache", "sync", "--service", f.server.pubsub_service(), "--node", kBlog});
    REQUIRE(sync_code == 0);
    CHECK(synced["sync_state"] == "completed");
    CHECK(f.cached_ids().size() == 20);

    auto [stats_code, stats] = f.cli({"pubsub", "cache", "stats"});
    CHECK(stats["total"]["items"] == 20);
    CHECK(stats["by_type"]["blog"]["nodes"] == 1);

    auto [purge_code, purged] = f.cli({"pubsub", "cache", "purge", "--node", kBlog});
    CHECK(purge_code == 0);
    CHECK(purged["items"] == 20);
    // A purged node is no longer complete: reads go to the server again.
    auto [after_purge_code, after_purge] = f.cli_get();
    CHECK(after_purge["from_cache"] == false);
    REQUIRE(poll_until(10s, [&] { return f.blog_state()["sync_state"] == "completed"; }));

    auto [reset_code, reset] = f.cli({"pubsub", "cache", "reset"});
    CHECK(reset_code == 0);
    CHECK(f.blog_state().is_null());
    CHECK(f.call("pubsub.cache.stats", {{"profile", "bob"}})["total"]["items"] == 0);
}

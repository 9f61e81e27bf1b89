// SPDX-License-Identifier: MIT
// What the reference cache gets wrong and Roost must get right (issue 5), each rule
// against a real Prosody and a real roostd with two profiles, alice and bob: node
// deletion, resync after time offline, max_items, own PEP events, the last item resent
// on presence, reads that never re-parse, profiles kept apart, retries of failed syncs, and
// items larger than max_item_bytes left out.
#include "src/storage/SqlFunctions.hpp"
#include "tests/support/CacheFixture.hpp"
#include "tests/support/CanonicalXml.hpp"
#include "tests/support/ProsodyServer.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <set>
#include <string>
#include <thread>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;
using Ids = std::set<std::string>;

namespace {

// One Prosody and one roostd for every case; each case has nodes of its own. Failed
// syncs are retried after 200 ms instead of 5 s; items over 4,000 bytes are not cached.
constexpr std::size_t kMaxItemBytes = 4000;

struct Fixture : CacheFixture<ProsodyServer> {
    Fixture() {
        start_roost("[plugins.pubsub_cache]\nfirst_retry_ms = 200\nmax_item_bytes = " +
                    std::to_string(kMaxItemBytes) + "\n");
    }

    // A node named like a blog (so xep_0277's analyser keeps it) on the pubsub
    // component, seen by `profile`.
    json on_component(const std::string& profile, const std::string& suffix) {
        return CacheClient::target(profile, server.pubsub_service(),
                                   std::string(kMicroblog) + "-" + suffix);
    }

    // Alice creates the node (with `config`) and publishes posts 0 .. count-1.
    void create(const std::string& suffix, int count, json config = json::object()) {
        json node = on_component("alice", suffix);
        node["config"] = std::move(config);
        roost->call("pubsub.node.create", node);
        for (int n = 0; n < count; ++n)
            roost->publish(on_component("alice", suffix), post_id(n), atom_post(n));
    }

    // `target` read once through the cache, then synced.
    void sync_by_reading(const json& target) {
        roost->get(target);
        REQUIRE_MESSAGE(roost->wait_state(target, "completed"), daemon->log());
    }

    Ids server_ids(const json& target) {
        auto ids = ids_of(roost->get(target, true)["items"]);
        return {ids.begin(), ids.end()};
    }

    void reconnect(const std::string& profile, const std::function<void()>& while_away) {
        roost->call("profile.disconnect", {{"profile", profile}});
        REQUIRE(roost->wait_connected(1));
        while_away();
        roost->call("profile.connect", {{"profile", profile}});
        REQUIRE(roost->wait_connected(2));
    }
};

Fixture& fixture() {
    static auto instance = std::make_unique<Fixture>();
    return *instance;
}

}  // namespace

TEST_CASE("prosody: a node deleted on the server is dropped from the cache") {
    auto& f = fixture();
    f.create("deleted", 3);
    json bobs = f.on_component("bob", "deleted");
    f.sync_by_reading(bobs);
    CHECK(f.roost->cached_ids(bobs).size() == 3);

    f.roost->call("pubsub.node.delete", f.on_component("alice", "deleted"));
    CHECK_MESSAGE(f.roost->wait_state(bobs, nullptr, 2s), f.daemon->log());
    CHECK(f.roost->cached_ids(bobs).empty());
}

TEST_CASE("prosody: a node deleted while offline is item-not-found at the resync, and dropped") {
    auto& f = fixture();
    f.create("gone", 2);
    json bobs = f.on_component("bob", "gone");
    f.sync_by_reading(bobs);
    f.reconnect("bob",
                [&] { f.roost->call("pubsub.node.delete", f.on_component("alice", "gone")); });
    CHECK_MESSAGE(f.roost->wait_state(bobs, nullptr, 10s), f.daemon->log());
}

TEST_CASE("prosody: after a reconnect, a subscribed node picks up what changed while away") {
    auto& f = fixture();
    f.create("away", 5);
    json bobs = f.on_component("bob", "away");
    f.sync_by_reading(bobs);
    json alices = f.on_component("alice", "away");
    f.reconnect("bob", [&] {
        f.roost->publish(alices, "while-away", atom_post(77));
        json retract = alices;
        retract["item"] = post_id(1);
        f.roost->call("pubsub.retract", retract);
    });
    Ids expected{post_id(0), post_id(2), post_id(3), post_id(4), "while-away"};
    CHECK(f.server_ids(bobs) == expected);
    CHECK_MESSAGE(poll_until(10s, [&] { return f.roost->cached_ids(bobs) == expected; }),
                  f.daemon->log());
    CHECK(f.roost->node_state(bobs)["sync_state"] == "completed");
    CHECK(f.roost->get(bobs)["from_cache"] == true);
}

TEST_CASE("prosody: the cache trims a node to its max_items as the server does, silently") {
    auto& f = fixture();
    f.create("trimmed", 5, {{"pubsub#max_items", "5"}});
    json alices = f.on_component("alice", "trimmed");  // the owner may read the configuration
    f.sync_by_reading(alices);
    REQUIRE(poll_until(5s, [&] { return f.roost->node_state(alices)["max_items"] == 5; }));
    for (int n = 5; n < 8; ++n) f.roost->publish(alices, post_id(n), atom_post(n));
    Ids newest{post_id(3), post_id(4), post_id(5), post_id(6), post_id(7)};
    CHECK(f.server_ids(alices) == newest);
    CHECK(poll_until(2s, [&] { return f.roost->cached_ids(alices) == newest; }));
    auto cached = f.roost->get(alices);
    CHECK(cached["from_cache"] == true);
    CHECK(cached["items"].size() == 5);
}

TEST_CASE("prosody: events of one's own PEP node reach the node synced as own PEP") {
    auto& f = fixture();
    json own = CacheClient::target("alice", "", kMicroblog);
    f.roost->publish(own, "pep-1", atom_post(1));
    f.sync_by_reading(own);
    CHECK(f.roost->cached_ids(own) == f.server_ids(own));

    // Prosody sends the event from alice@localhost: the same node as service "".
    f.roost->publish(own, "pep-2", atom_post(2));
    CHECK_MESSAGE(poll_until(2s, [&] { return f.roost->cached_ids(own).contains("pep-2"); }),
                  f.daemon->log());
    CHECK(f.roost->cached_ids(own) == f.server_ids(own));
    json by_jid = CacheClient::target("alice", f.server.account("alice").jid, kMicroblog);
    CHECK(f.roost->get(by_jid)["from_cache"] == true);
    CHECK(
        f.roost->node_state(CacheClient::target("alice", f.server.account("alice").jid, kMicroblog))
            .is_null());
}

TEST_CASE("prosody: the last item resent on presence is stored once, its times kept") {
    auto& f = fixture();
    json own = CacheClient::target("alice", "", std::string(kMicroblog) + "-presence");
    f.roost->publish(own, "last", atom_post(3));
    f.sync_by_reading(own);
    std::string query = "node:\"" + own["node"].get<std::string>() + "\"";
    auto times = [&] {
        json found = f.roost->call("pubsub.cache.search", {{"profile", "alice"}, {"query", query}});
        REQUIRE(found["hits"].size() == 1);
        const json& hit = found["hits"][0];
        return std::pair{hit["created"].get<long>(), hit["updated"].get<long>()};
    };
    // Prosody resends it on subscription, then on every presence: with a publisher
    // attribute its answers lack.
    std::this_thread::sleep_for(500ms);
    auto before = times();
    f.reconnect("alice", [] {});
    std::this_thread::sleep_for(1s);
    CHECK(f.roost->cached_ids(own) == Ids{"last"});
    auto after = times();
    CHECK(after.first == before.first);
    CHECK(after.second == before.second);
    CHECK(before.second == before.first);
    CHECK(f.roost->get(own)["items"] == f.roost->get(own, true)["items"]);
}

TEST_CASE("prosody: reads answer what is stored, never a new parse of the XML") {
    auto& f = fixture();
    f.create("stored", 2);
    json bobs = f.on_component("bob", "stored");
    f.sync_by_reading(bobs);
    std::string xml = f.roost->get(bobs)["items"][0]["xml"];
    {
        // What an older parser made of the item, written behind the daemon's back.
        SQLite::Database db(f.daemon->database().string(), SQLite::OPEN_READWRITE);
        // The declared date fields' indexes compute instants with Roost's function.
        roost::storage::register_sql_functions(db);
        SQLite::Statement update(db,
                                 "UPDATE pubsub_items SET parsed = ? WHERE item_id = ? AND node_id "
                                 "IN (SELECT id FROM pubsub_nodes WHERE node = ?)");
        update.bind(1, R"({"title": "as stored"})");
        update.bind(2, post_id(0));
        update.bind(3, bobs["node"].get<std::string>());
        CHECK(update.exec() == 1);
    }
    json hits = f.roost->call("pubsub.cache.search",
                              {{"profile", "bob"}, {"query", "title == \"as stored\""}});
    REQUIRE(hits["hits"].size() == 1);
    CHECK(hits["hits"][0]["id"] == post_id(0));
    CHECK(f.roost->get(bobs)["items"][0]["xml"] == xml);
}

TEST_CASE("prosody: two profiles cache the same node apart; each method acts on its caller") {
    auto& f = fixture();
    f.create("shared", 4);
    json alices = f.on_component("alice", "shared");
    json bobs = f.on_component("bob", "shared");
    f.sync_by_reading(alices);
    f.sync_by_reading(bobs);
    CHECK(f.roost->cached_ids(alices).size() == 4);
    CHECK(f.roost->cached_ids(bobs).size() == 4);

    auto search = [&](const std::string& profile, bool all = false) {
        json params{
            {"profile", profile},
            {"query", "fts:\"heron\" and node:\"" + bobs["node"].get<std::string>() + "\""}};
        if (all) params["all_profiles"] = true;
        Ids profiles;
        json found = f.roost->call("pubsub.cache.search", params);
        for (const auto& hit : found["hits"]) profiles.insert(hit["profile"].get<std::string>());
        return profiles;
    };
    CHECK(search("bob") == Ids{"bob"});
    CHECK(search("alice") == Ids{"alice"});
    CHECK(search("bob", true) == Ids{"alice", "bob"});

    json purge{{"profile", "bob"}, {"node", bobs["node"]}};
    CHECK(f.roost->call("pubsub.cache.purge", purge)["items"] == 4);
    CHECK(f.roost->node_state(bobs)["sync_state"].is_null());
    CHECK(f.roost->node_state(alices)["sync_state"] == "completed");
    CHECK(f.roost->cached_ids(alices).size() == 4);

    auto items_of = [&](const std::string& profile) {
        return f.roost->call("pubsub.cache.stats", {{"profile", profile}})["total"]["items"]
            .get<long>();
    };
    long alice_items = items_of("alice");
    CHECK(f.roost->call("pubsub.cache.reset", {{"profile", "bob"}})["nodes"].get<int>() >= 1);
    CHECK(items_of("bob") == 0);
    CHECK(f.roost->node_state(bobs).is_null());
    CHECK(items_of("alice") == alice_items);
    CHECK(f.roost->call("pubsub.cache.stats", {{"all_profiles", true}})["total"]["items"] ==
          alice_items);
}

TEST_CASE("prosody: a purged node is never served half-empty; the next read resyncs it") {
    auto& f = fixture();
    f.create("purged", 6);
    json bobs = f.on_component("bob", "purged");
    f.sync_by_reading(bobs);
    json purge{{"profile", "bob"}, {"node", bobs["node"]}, {"older_than", 0}};
    CHECK(f.roost->call("pubsub.cache.purge", purge)["nodes"] == 1);
    json state = f.roost->node_state(bobs);
    CHECK(state["sync_state"].is_null());
    CHECK(state["sync_reason"] == "purged");
    // What is left is shown as what it is: not a completed node.
    CHECK(f.roost->call("pubsub.cache.get", bobs)["node"]["sync_state"].is_null());

    auto first = f.roost->get(bobs);
    CHECK(first["from_cache"] == false);
    CHECK(first["items"].size() == 6);
    REQUIRE(f.roost->wait_state(bobs, "completed"));
    CHECK(f.roost->cached_ids(bobs).size() == 6);
}

TEST_CASE("prosody: a purge by one's own bare JID reaches one's own PEP nodes") {
    auto& f = fixture();
    const std::string alice_jid = f.server.account("alice").jid;
    json own = CacheClient::target("alice", "", std::string(kMicroblog) + "-purge-own");
    for (int n = 0; n < 3; ++n) f.roost->publish(own, post_id(n), atom_post(n));
    f.sync_by_reading(own);
    // Prosody's PEP nodes keep one item by default.
    const auto kept = f.server_ids(own).size();
    REQUIRE(kept >= 1);
    REQUIRE(f.roost->cached_ids(own).size() == kept);

    json purge{{"profile", "alice"}, {"service", alice_jid}, {"node", own["node"]}};
    CHECK(f.roost->call("pubsub.cache.purge", purge)["items"] == kept);
    CHECK(f.roost->cached_ids(own).empty());
    CHECK(f.roost->node_state(own)["sync_reason"] == "purged");

    // Across profiles the JID is alice's own PEP for alice alone; bob has none of it.
    f.sync_by_reading(own);
    json everyone{{"all_profiles", true}, {"service", alice_jid}, {"node", own["node"]}};
    json purged = f.roost->call("pubsub.cache.purge", everyone);
    CHECK(purged["items"] == kept);
    CHECK(purged["nodes"] == 1);
    CHECK(f.roost->cached_ids(own).empty());
}

TEST_CASE("prosody: a node the server refuses is not kept, and not retried") {
    auto& f = fixture();
    f.create("closed", 3, {{"pubsub#access_model", "whitelist"}});
    json bobs = f.on_component("bob", "closed");
    CHECK_THROWS_AS(f.roost->call("pubsub.cache.sync", bobs), roost::ipc::IpcCallError);
    CHECK(f.roost->node_state(bobs).is_null());
    auto [code, answer] = f.cli({"pubsub", "get", "--service", f.server.pubsub_service(), "--node",
                                 bobs["node"].get<std::string>()});
    CHECK(code != 0);
    // Five retries would have come and gone at 200 ms, 400 ms...
    std::this_thread::sleep_for(1500ms);
    CHECK(f.roost->node_state(bobs).is_null());
    CHECK(f.daemon->log().find("retrying " + bobs["node"].get<std::string>()) == std::string::npos);

    // Once the server lets bob read it, a read syncs it as any other.
    json open = f.on_component("alice", "closed");
    open["config"] = {{"pubsub#access_model", "open"}};
    f.roost->call("pubsub.node.config.set", open);
    f.sync_by_reading(bobs);
    CHECK(f.roost->cached_ids(bobs).size() == 3);
}

TEST_CASE("prosody: a read of a service that does not exist leaves nothing synced behind") {
    auto& f = fixture();
    json nowhere = CacheClient::target("bob", "nowhere.localhost", kMicroblog);
    auto [code, answer] =
        f.cli({"pubsub", "get", "--service", "nowhere.localhost", "--node", kMicroblog});
    CHECK(code != 0);
    std::this_thread::sleep_for(1500ms);
    CHECK(f.roost->node_state(nowhere).is_null());
    CHECK(f.daemon->log().find("nowhere.localhost (bob): not cached") != std::string::npos);
    CHECK(f.daemon->log().find("retrying " + std::string(kMicroblog)) == std::string::npos);
}

TEST_CASE("prosody: an item larger than max_item_bytes is left out; reads go to the server") {
    auto& f = fixture();
    f.create("large", 2);
    json alices = f.on_component("alice", "large");
    std::string large = "<entry xmlns='http://www.w3.org/2005/Atom'><title>Large</title>"
                        "<content>" +
                        std::string(2 * kMaxItemBytes, 'x') + "</content></entry>";
    f.roost->publish(alices, "large-1", large);
    json bobs = f.on_component("bob", "large");
    f.roost->get(bobs);
    REQUIRE_MESSAGE(f.roost->wait_state(bobs, "partial"), f.daemon->log());
    auto state = f.roost->node_state(bobs);
    CHECK(state["sync_reason"].get<std::string>().find(
              "left out 1 item larger than max_item_bytes") != std::string::npos);
    CHECK(state["sync_reason"].get<std::string>().find("'large-1'") != std::string::npos);
    CHECK(f.roost->cached_ids(bobs) == Ids{post_id(0), post_id(1)});
    auto printed = f.daemon->roost({"pubsub", "cache", "stats", "--profile", "bob"});
    CHECK(printed.out.find("partial (left out 1 item") != std::string::npos);

    INFO("the read is the server's, whole");
    auto read = f.roost->get(bobs);
    auto direct = f.roost->get(bobs, true);
    CHECK(read["from_cache"] == false);
    CHECK(ids_of(read["items"]) == ids_of(direct["items"]));
    std::string items;
    for (const auto& item : read["items"]) items += item["xml"].get<std::string>();
    CHECK(canonical_payloads("<items>" + items + "</items>").at("large-1") == canonical_xml(large));

    INFO("a small item edited into a large one leaves the cache; a small one still comes");
    f.roost->publish(alices, post_id(0), large);
    f.roost->publish(alices, post_id(5), atom_post(5));
    CHECK(poll_until(10s, [&] {
        return f.roost->cached_ids(bobs) == Ids{post_id(1), post_id(5)};
    }));
    CHECK(f.roost->node_state(bobs)["sync_state"] == "partial");
}

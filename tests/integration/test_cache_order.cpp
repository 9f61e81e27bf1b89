// SPDX-License-Identifier: MIT
// The cache's order is the server's (issue 12, defects 2 and 3), against real servers
// through a real roostd: a 3,000-item ejabberd node whose sync roostd was killed in,
// a node stored in a wrong order before, and an item edited live and while roostd was
// down, on Prosody (which moves it to the end) and ejabberd (which keeps it in place).
#include "src/ipc/IpcClient.hpp"
#include "tests/support/CacheFixture.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/Publisher.hpp"
#include "tests/support/RawIpcClient.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;
using roost::ipc::IpcClient;
using Ids = std::vector<std::string>;

namespace {

constexpr const char* kProgressTopic = "pubsub.cache.progress";
constexpr int kBulkItems = 3000;  // three of the sync's RSM pages on ejabberd
const std::string kBulkNode = std::string(kMicroblog) + ":bulk";

// Where two orders part, for a failure's message.
std::string first_difference(const Ids& cached, const Ids& server) {
    std::size_t at = 0;
    while (at < cached.size() && at < server.size() && cached[at] == server[at]) ++at;
    auto id = [&](const Ids& ids) { return at < ids.size() ? ids[at] : std::string("(end)"); };
    return "sizes " + std::to_string(cached.size()) + " and " + std::to_string(server.size()) +
           "; at " + std::to_string(at) + ": cache " + id(cached) + ", server " + id(server);
}

// The full id lists, in order.
void check_same_order(const Ids& cached, const Ids& server) {
    CHECK_MESSAGE(cached == server, first_difference(cached, server));
}

std::string bulk_id(int n) {
    char id[32];
    std::snprintf(id, sizeof id, "bulk-%05d", n);
    return id;
}

// One server and one roostd for every case of a server; each case has nodes of its own.
template <class Server>
struct Fixture : CacheFixture<Server> {
    using CacheFixture<Server>::server;
    using CacheFixture<Server>::daemon;
    using CacheFixture<Server>::roost;

    Fixture() { this->start_roost(); }

    json target(const std::string& profile, const std::string& node) {
        return CacheClient::target(profile, server.pubsub_service(), node);
    }

    // The server's order of the node, read past the cache.
    Ids server_order(const json& target) { return ids_of(roost->get(target, true)["items"]); }

    // The cache's answer to a plain read, which must come from the cache.
    Ids cached_order(const json& target) {
        json answer = roost->get(target);
        CHECK(answer["from_cache"] == true);
        return ids_of(answer["items"]);
    }

    // Stops roostd (SIGTERM), runs `while_down`, starts it again and waits for both
    // profiles: the resync of synced nodes starts on connect.
    void restart_roost(const std::function<void()>& while_down) {
        roost.reset();
        REQUIRE(daemon->terminate() == 0);
        while_down();
        daemon->restart();
        roost = std::make_unique<CacheClient>(*daemon);
        REQUIRE(roost->wait_connected(2));
    }

    // A node's extra JSON as stored (null when none).
    json extra_of(const std::string& node) {
        SQLite::Database db(daemon->database().string(), SQLite::OPEN_READONLY);
        SQLite::Statement query(db, "SELECT extra FROM pubsub_nodes n JOIN profiles p ON "
                                    "p.id = n.profile_id WHERE p.name = 'bob' AND n.node = ?");
        query.bind(1, node);
        if (!query.executeStep() || query.getColumn(0).isNull()) return nullptr;
        return json::parse(query.getColumn(0).getString());
    }
};

Fixture<EjabberdServer>& ejabberd() {
    static auto instance = std::make_unique<Fixture<EjabberdServer>>();
    return *instance;
}

Fixture<ProsodyServer>& prosody() {
    static auto instance = std::make_unique<Fixture<ProsodyServer>>();
    return *instance;
}

std::string post(const std::string& id, const std::string& text) {
    return "<entry xmlns='http://www.w3.org/2005/Atom'><title>" + id + "</title><content>" + text +
           "</content><author><name>alice</name></author>"
           "<published>2024-01-01T00:00:00Z</published><updated>2024-01-01T00:00:00Z</updated>"
           "<id>tag:localhost,2024:" +
           id + "</id></entry>";
}

// Alice creates `node` and publishes o1, o2, o3 in that order; bob syncs it.
template <class Server>
void three_posts_synced(Fixture<Server>& f, const std::string& node) {
    Publisher alice(f.server, "alice");
    alice.create_node(f.server.pubsub_service(), node, 100);
    alice.publish_all(
        f.server.pubsub_service(), node,
        {{"o1", post("o1", "first")}, {"o2", post("o2", "second")}, {"o3", post("o3", "third")}},
        1);
    auto [code, synced] =
        f.cli({"pubsub", "cache", "sync", "--service", f.server.pubsub_service(), "--node", node});
    REQUIRE(code == 0);
    REQUIRE(synced["sync_state"] == "completed");
    CHECK(f.cached_order(f.target("bob", node)) == Ids{"o1", "o2", "o3"});
}

// Whether bob's cache holds the edited text of item `id` (read from the cache alone).
template <class Server>
bool has_edit(Fixture<Server>& f, const std::string& node, const std::string& id = "o1") {
    json target = f.target("bob", node);
    target["items"] = Ids{id};
    try {
        json answer = f.roost->call("pubsub.cache.get", target);
        return answer["items"].size() == 1 &&
               answer["items"][0]["xml"].get<std::string>().find("edited") != std::string::npos;
    } catch (const roost::ipc::IpcCallError&) {
        return false;  // not cached (yet)
    }
}

// o1 edited while roostd runs: the cache takes the server's order from then on.
template <class Server>
void edit_live(Fixture<Server>& f, const std::string& node, const Ids& expected, bool to_end) {
    three_posts_synced(f, node);
    f.roost->publish(f.target("alice", node), "o1", post("o1", "edited"));
    REQUIRE_MESSAGE(poll_until(10s, [&] { return has_edit(f, node); }), f.daemon->log());
    // The server's answer on the republication is remembered for the node.
    REQUIRE_MESSAGE(
        poll_until(10s, [&] { return f.extra_of(node).contains("republished_to_end"); }),
        f.daemon->log());
    CHECK(f.extra_of(node)["republished_to_end"] == to_end);

    json bobs = f.target("bob", node);
    Ids server = f.server_order(bobs);
    CHECK(server == expected);
    check_same_order(f.cached_order(bobs), server);
    CHECK(f.roost->node_state(bobs)["sync_state"] == "completed");

    // A second edit, of o2, needs no request: the node's answer is known.
    f.roost->publish(f.target("alice", node), "o2", post("o2", "edited too"));
    REQUIRE_MESSAGE(poll_until(10s, [&] { return has_edit(f, node, "o2"); }), f.daemon->log());
    server = f.server_order(bobs);
    CHECK(server == (to_end ? Ids{"o3", "o1", "o2"} : Ids{"o1", "o2", "o3"}));
    check_same_order(f.cached_order(bobs), server);
    CHECK(count_of(f.daemon->log(), "cache: the server of " + node + " ") == 1);
}

// o1 edited while roostd is down: the resync on restart puts the cache in the server's order.
template <class Server>
void edit_offline(Fixture<Server>& f, const std::string& node, const Ids& expected) {
    three_posts_synced(f, node);
    f.restart_roost([&] {
        Publisher alice(f.server, "alice");
        alice.publish_all(f.server.pubsub_service(), node, {{"o1", post("o1", "edited")}}, 1);
    });
    json bobs = f.target("bob", node);
    REQUIRE_MESSAGE(poll_until(30s,
                               [&] {
                                   return has_edit(f, node) &&
                                          f.roost->node_state(bobs)["sync_state"] == "completed";
                               }),
                    f.daemon->log());
    Ids server = f.server_order(bobs);
    CHECK(server == expected);
    check_same_order(f.cached_order(bobs), server);
}

}  // namespace

TEST_CASE("ejabberd: roostd killed after the first page of a 3,000-item sync; after the restart "
          "the cache holds the server's order, and a later resync keeps it") {
    auto& f = ejabberd();
    {
        Publisher alice(f.server, "alice");
        alice.create_node(f.server.pubsub_service(), kBulkNode, 10000);
        std::vector<PublishItem> items;
        for (int n = 0; n < kBulkItems; ++n)
            items.push_back({bulk_id(n), post(bulk_id(n), "bulk")});
        alice.publish_all(f.server.pubsub_service(), kBulkNode, items);
    }
    json bobs = f.target("bob", kBulkNode);
    Ids server = f.server_order(bobs);
    REQUIRE(server.size() == kBulkItems);
    CHECK(server.front() == bulk_id(0));
    CHECK(server.back() == bulk_id(kBulkItems - 1));

    IpcClient progress(f.daemon->socket());
    progress.subscribe({kProgressTopic});
    RawIpcClient sync(f.daemon->socket());
    REQUIRE(sync.send(
        json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "pubsub.cache.sync"}, {"params", bobs}}
            .dump() +
        "\n"));
    std::optional<roost::ipc::IpcNotification> first;
    poll_until(120s, [&] {
        auto note = progress.next_notification(100ms);
        if (note && note->topic == kProgressTopic && note->data["node"] == kBulkNode) first = note;
        return first.has_value();
    });
    REQUIRE_MESSAGE(first, f.daemon->log());
    f.daemon->kill();  // while the next pages are fetched or stored
    f.roost.reset();
    std::cout << "[figures] ejabberd: roostd killed after " << first->data["fetched"] << " of "
              << first->data["total"] << " items were stored\n";
    CHECK(first->data["fetched"] == 1000);
    {
        SQLite::Database db(f.daemon->database().string(), SQLite::OPEN_READONLY);
        SQLite::Statement node(db, "SELECT sync_state FROM pubsub_nodes WHERE node = ?");
        node.bind(1, kBulkNode);
        REQUIRE(node.executeStep());
        REQUIRE(node.getColumn(0).getString() == "in_progress");
    }

    f.daemon->restart();
    f.roost = std::make_unique<CacheClient>(*f.daemon);
    REQUIRE(f.roost->wait_connected(2));
    REQUIRE_MESSAGE(f.roost->wait_state(bobs, "completed", 120s), f.daemon->log());
    Ids cached = f.cached_order(bobs);
    CHECK(cached.size() == server.size());
    check_same_order(cached, server);
    CHECK(f.roost->cached_ids(bobs).size() == kBulkItems);  // each id once

    // A clean resync changes nothing.
    auto [code, synced] = f.cli(
        {"pubsub", "cache", "sync", "--service", f.server.pubsub_service(), "--node", kBulkNode});
    REQUIRE(code == 0);
    CHECK(synced["sync_state"] == "completed");
    check_same_order(f.cached_order(bobs), server);
}

TEST_CASE("ejabberd: a node stored in a wrong order before is repaired by its next resync") {
    auto& f = ejabberd();
    json bobs = f.target("bob", kBulkNode);
    Ids server = f.server_order(bobs);
    REQUIRE(server.size() == kBulkItems);
    REQUIRE(f.roost->node_state(bobs)["sync_state"] == "completed");
    f.restart_roost([&] {
        // The order an earlier version left after a kill: the newest 1,000 first, and
        // the older ones interleaved behind them.
        SQLite::Database db(f.daemon->database().string(), SQLite::OPEN_READWRITE);
        SQLite::Statement scramble(
            db, "UPDATE pubsub_items SET position = (position * 7919) % 3001 WHERE node_id IN "
                "(SELECT id FROM pubsub_nodes WHERE node = ?)");
        scramble.bind(1, kBulkNode);
        CHECK(scramble.exec() == kBulkItems);
    });
    // The node was completed and subscribed: the connection resyncs it.
    REQUIRE_MESSAGE(poll_until(120s,
                               [&] {
                                   return f.roost->node_state(bobs)["sync_state"] == "completed" &&
                                          f.cached_order(bobs) == server;
                               }),
                    f.daemon->log());
    CHECK(f.cached_order(bobs).size() == kBulkItems);
}

TEST_CASE("ejabberd: an item edited live keeps its place, in the server and in the cache") {
    edit_live(ejabberd(), std::string(kMicroblog) + ":edit-live", Ids{"o1", "o2", "o3"}, false);
}

TEST_CASE("ejabberd: an item edited while roostd was down keeps its place after the resync") {
    edit_offline(ejabberd(), std::string(kMicroblog) + ":edit-offline", Ids{"o1", "o2", "o3"});
}

TEST_CASE("prosody: an item edited live moves to the end, in the server and in the cache") {
    edit_live(prosody(), std::string(kMicroblog) + ":edit-live", Ids{"o2", "o3", "o1"}, true);
}

TEST_CASE("prosody: an item edited while roostd was down is at the end after the resync") {
    edit_offline(prosody(), std::string(kMicroblog) + ":edit-offline", Ids{"o2", "o3", "o1"});
}

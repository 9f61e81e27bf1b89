// SPDX-License-Identifier: MIT
// The pubsub cache's sync against real servers through a real roostd: a 5,000-item
// ejabberd node synced by RSM pages while another account publishes and retracts, a
// Prosody node past its default limits synced whole in one request, the
// max_items_per_node cap (partial), and progress notifications per page.
#include "src/ipc/IpcClient.hpp"
#include "tests/support/CacheFixture.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/Publisher.hpp"
#include "tests/support/Run.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;
using roost::ipc::IpcClient;

namespace {

constexpr const char* kProgressTopic = "pubsub.cache.progress";
constexpr int kPageSize = 1000;      // NodeSync's kSyncPageSize
constexpr int kProsodyItems = 2500;  // Prosody keeps 20 per node by default
// A blog node, so that xep_0277's analyser parses every item.
const std::string kNode = std::string(kMicroblog) + ":sync";

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<PublishItem> posts(int count) {
    std::vector<PublishItem> items;
    for (int n = 0; n < count; ++n) items.push_back({post_id(n), atom_post(n)});
    return items;
}

// A server with alice and bob; alice's node kNode holds `items` posts, published over
// a connection of her own; a roostd with both profiles.
template <class Server>
struct Fixture : CacheFixture<Server> {
    using CacheFixture<Server>::server;
    using CacheFixture<Server>::roost;

    // Prosody's pubsub in memory: its file storage takes minutes for 1,000 publications.
    explicit Fixture(int items)
        : CacheFixture<Server>(XmppServerOptions{
              .users = {"alice", "bob"}, .admins = {"alice"}, .pubsub_in_memory = true}) {
        Publisher publisher(server, "alice");
        publisher.create_node(server.pubsub_service(), kNode, 10000);
        auto start = std::chrono::steady_clock::now();
        publisher.publish_all(server.pubsub_service(), kNode, posts(items));
        std::cout << "[figures] " << server.name() << ": " << items << " posts published in "
                  << seconds_since(start) << " s\n";
        this->start_roost();
    }

    json target(const std::string& profile) {
        return CacheClient::target(profile, server.pubsub_service(), kNode);
    }

    std::vector<std::string> server_ids() {
        return ids_of(roost->get(target("bob"), true)["items"]);
    }

    std::vector<std::string> sync_args() {
        return {"pubsub", "cache", "sync", "--service", server.pubsub_service(), "--node", kNode};
    }
};

// The progress notifications of kNode, in order, until `done` holds (checked after each).
struct ProgressLog {
    std::vector<json> notes;

    void read(IpcClient& client, const std::function<bool()>& done,
              std::chrono::milliseconds limit = 120s) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            auto note = client.next_notification(100ms);
            if (note && note->topic == kProgressTopic && note->data["node"] == kNode)
                notes.push_back(note->data);
        }
    }

    // Each page adds at most a page of items to `fetched`, which only grows.
    void check_per_page(int final_items) const {
        REQUIRE_FALSE(notes.empty());
        int previous = 0;
        for (const auto& note : notes) {
            int fetched = note["fetched"].get<int>();
            CHECK(fetched > previous);
            CHECK(fetched - previous <= kPageSize);
            previous = fetched;
        }
        CHECK(previous == final_items);
        CHECK(notes.size() >= static_cast<std::size_t>(final_items / kPageSize));
    }
};

// A second roostd on the fixture's server that keeps at most `cap` items a node, and what
// bob's sync of kNode through it left: checked partial, with the newest `cap` items.
struct CappedSync {
    std::unique_ptr<Daemon> daemon;
    std::unique_ptr<CacheClient> roost;
    json synced;                          // the sync's answer
    std::vector<std::string> server_ids;  // kNode's items on the server, in order
};

// What every server shares: the node is partial with the newest `cap` items, and the
// cache answers no read of it (it cannot tell which requests those items would answer).
template <class Server>
CappedSync capped_sync(Fixture<Server>& f, int cap) {
    CappedSync capped;
    capped.daemon = f.start_daemon(
        "[plugins.pubsub_cache]\nmax_items_per_node = " + std::to_string(cap) + "\n");
    capped.roost = std::make_unique<CacheClient>(*capped.daemon);
    REQUIRE(capped.roost->wait_connected(2));
    auto [code, synced] = f.cli(*capped.daemon, f.sync_args());
    REQUIRE(code == 0);
    CHECK(synced["sync_state"] == "partial");
    CHECK(synced["items"] == cap);
    capped.synced = synced;

    capped.server_ids = f.server_ids();
    const auto& server = capped.server_ids;
    REQUIRE(server.size() >= static_cast<std::size_t>(cap));
    auto cached = capped.roost->call("pubsub.cache.get", f.target("bob"));
    CHECK(ids_of(cached["items"]) == std::vector<std::string>(server.end() - cap, server.end()));
    CHECK(cached["node"]["sync_state"] == "partial");
    auto read = capped.roost->get(f.target("bob"));
    CHECK(read["from_cache"] == false);
    CHECK(ids_of(read["items"]) == server);
    return capped;
}

Fixture<EjabberdServer>& ejabberd() {
    static auto instance = std::make_unique<Fixture<EjabberdServer>>(5000);
    return *instance;
}

Fixture<ProsodyServer>& prosody() {
    static auto instance = std::make_unique<Fixture<ProsodyServer>>(kProsodyItems);
    return *instance;
}

}  // namespace

TEST_CASE("ejabberd: a 5,000-item node syncs by RSM pages, and a publication and retractions sent "
          "during the sync are applied after it") {
    auto& f = ejabberd();
    auto start = std::chrono::steady_clock::now();
    auto [code, unpaged] = f.cli(*f.daemon, {"pubsub", "get", "--no-cache", "--service",
                                             f.server.pubsub_service(), "--node", kNode});
    REQUIRE(code == 0);
    std::cout << "[figures] ejabberd: roost pubsub get --no-cache of 5000 items (one request): "
              << seconds_since(start) << " s\n";
    auto before_sync = ids_of(unpaged["items"]);
    REQUIRE(before_sync.size() == 5000);

    IpcClient progress(f.daemon->socket());
    progress.subscribe({kProgressTopic});
    // The sync's call waits for its end: in a thread of its own, read after `ended`.
    std::optional<json> outcome;
    std::string failure;
    double sync_seconds = 0;
    std::atomic<bool> ended = false;
    start = std::chrono::steady_clock::now();
    std::thread sync([&] {
        try {
            IpcClient client(f.daemon->socket());
            outcome = client.call("pubsub.cache.sync", f.target("bob"), 120s);
        } catch (const std::exception& e) {
            failure = e.what();
        }
        sync_seconds = seconds_since(start);
        ended = true;
    });

    // Running: the first page is stored, the others are not.
    ProgressLog log;
    log.read(progress, [&] { return !log.notes.empty(); });
    REQUIRE_FALSE(log.notes.empty());
    CHECK(log.notes[0]["fetched"].get<int>() < 5000);
    CHECK(log.notes[0]["total"] == 5000);
    f.roost->publish(f.target("alice"), "fresh", atom_post(9999));
    for (std::string id : {"post-4999", "post-007"}) {  // the newest (fetched), an old one
        json retract = f.target("alice");
        retract["item"] = id;
        f.roost->call("pubsub.retract", retract);
    }
    json during = f.roost->node_state(f.target("bob"));
    INFO("the sync had ended before the events were sent: " << during.dump());
    CHECK(during["sync_state"] == "in_progress");

    log.read(progress, [&] { return ended.load(); });
    sync.join();
    log.read(
        progress, [] { return false; }, 200ms);  // any left in the socket
    REQUIRE_MESSAGE(failure.empty(), failure << "\n" << f.daemon->log());
    REQUIRE(outcome.has_value());
    std::cout << "[figures] ejabberd: sync of 5000 items in " << log.notes.size()
              << " pages: " << sync_seconds << " s\n";
    CHECK((*outcome)["sync_state"] == "completed");

    auto server = f.server_ids();
    CHECK(server.size() == 5000 - 2 + 1);
    CHECK(server.back() == "fresh");
    auto cached = f.roost->get(f.target("bob"));
    CHECK(cached["from_cache"] == true);
    CHECK(ids_of(cached["items"]) == server);  // same items, same order
    auto held = f.roost->cached_ids(f.target("bob"));
    CHECK(held.contains("fresh"));
    CHECK_FALSE(held.contains("post-4999"));
    CHECK_FALSE(held.contains("post-007"));

    // Progress: one notification per page, `fetched` growing by at most a page.
    log.check_per_page((*outcome)["items"].get<int>());

    start = std::chrono::steady_clock::now();
    auto [paged_code, paged] = f.cli(*f.daemon, {"pubsub", "get", "--no-cache", "--service",
                                                 f.server.pubsub_service(), "--node", kNode});
    CHECK(paged_code == 0);
    std::cout << "[figures] ejabberd: roost pubsub get --no-cache of " << paged["items"].size()
              << " items (xep_0060's RSM pages, learnt from the sync): " << seconds_since(start)
              << " s\n";
    start = std::chrono::steady_clock::now();
    auto [cache_code, from_cache] = f.cli(
        *f.daemon, {"pubsub", "get", "--service", f.server.pubsub_service(), "--node", kNode});
    CHECK(cache_code == 0);
    CHECK(from_cache["from_cache"] == true);
    std::cout << "[figures] ejabberd: roost pubsub get of the same from the cache: "
              << seconds_since(start) << " s\n";

    // Once writing pauses, roostd gives the WAL file back (core::WalTrim).
    auto wal = f.daemon->database().string() + "-wal";
    CHECK(poll_until(10s, [&] { return std::filesystem::file_size(wal) == 0; }));
}

TEST_CASE(
    "ejabberd: max_items_per_node keeps the newest items by RSM pages; the node is partial and "
    "reads go to the server") {
    auto& f = ejabberd();
    auto capped = capped_sync(f, 600);
    CHECK(capped.synced["sync_reason"].get<std::string>().find(
              "max_items_per_node = 600: kept the newest 600 items of") != std::string::npos);

    auto newest_ten = f.target("bob");
    newest_ten["max_items"] = 10;
    CHECK(capped.roost->get(newest_ten)["from_cache"] == false);
    // Events keep it current: reads start no resync.
    std::this_thread::sleep_for(300ms);
    CHECK(count_of(capped.daemon->log(), "cache: sync of") == 1);
    CHECK(capped.roost->node_state(f.target("bob"))["sync_state"] == "partial");
    CHECK(capped.roost->cached_ids(f.target("bob")).size() == 600);
}

TEST_CASE(
    "prosody: a node of 2,500 items, past Prosody's default limits, syncs whole from one request, "
    "stored a page at a time") {
    auto& f = prosody();
    IpcClient progress(f.daemon->socket());
    progress.subscribe({kProgressTopic});
    auto [code, synced] = f.cli(*f.daemon, f.sync_args());
    REQUIRE(code == 0);
    CHECK(synced["sync_state"] == "completed");
    CHECK(synced["items"] == kProsodyItems);

    auto server = f.server_ids();
    CHECK(server.size() == kProsodyItems);
    auto cached = f.roost->get(f.target("bob"));
    CHECK(cached["from_cache"] == true);
    CHECK(ids_of(cached["items"]) == server);
    CHECK(f.roost->node_state(f.target("bob"))["sync_state"] == "completed");

    // Prosody 0.12 ignores RSM: one request, one answer, stored a page at a time.
    CHECK(count_of(f.daemon->log(), "completed (2500 items, 1 requests)") == 1);
    ProgressLog log;
    log.read(
        progress, [] { return false; }, 1s);
    log.check_per_page(kProsodyItems);
    CHECK(log.notes.size() == 3);
    CHECK(log.notes.back()["total"] == kProsodyItems);
}

TEST_CASE("prosody: roost pubsub cache sync draws a progress bar on a terminal only") {
    auto& f = prosody();
    std::vector<std::string> argv{(build_dir() / "src/cli/roost").string()};
    for (const auto& arg : f.sync_args()) argv.push_back(arg);
    argv.insert(argv.end(), {"--profile", "bob"});
    std::string line;
    for (const auto& arg : argv) line += "'" + arg + "' ";
    // script(1) gives roost a terminal.
    auto terminal = run({"/usr/bin/script", "-qec", line, "/dev/null"}, f.daemon->env());
    INFO(terminal.out << terminal.err);
    CHECK(terminal.exit_code == 0);
    CHECK(terminal.out.find("[##############################] 2500/2500 items") !=
          std::string::npos);
    CHECK(terminal.out.find(kNode + ": completed, 2500 items") != std::string::npos);

    auto plain = f.daemon->roost(std::vector<std::string>(argv.begin() + 1, argv.end()));
    CHECK(plain.exit_code == 0);
    CHECK(plain.err.empty());
    CHECK(plain.out == kNode + ": completed, 2500 items\n");
}

TEST_CASE("prosody: max_items_per_node keeps the newest items of the one answer; partial") {
    auto& f = prosody();
    auto capped = capped_sync(f, 100);
    CHECK(capped.synced["sync_reason"] == "max_items_per_node = 100: kept the newest 100 items");
}

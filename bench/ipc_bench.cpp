// SPDX-License-Identifier: MIT
// ipc_bench: reads of the cache through a real roostd's socket, as a frontend makes them:
// the latest 20 items of a node (p50, p99) and full-text search over 100,000 cached items,
// against the floor of the socket (a `status` round trip) and of SQLite (a bare FTS5 query
// on the same database).
//
// The 100,000 items are written with the store API into roostd's database while it is
// stopped (publishing them would take longer than everything else), parsed by xep_0277's
// own Atom parser as a sync would. A Prosody runs only so that the profile connects.
//
// ipc_bench [runs] [gets per run] [items]   (ROOST_BUILD_DIR must be set)
#include "bench/BenchSupport.hpp"
#include "plugins/xep_0277/AtomParser.hpp"
#include "src/ipc/IpcClient.hpp"
#include "src/storage/Database.hpp"
#include "src/storage/SqlitePubsubStore.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/ProsodyServer.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <cstdio>
#include <stdexcept>

using namespace roost;
using namespace roost::bench;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr const char* kNode = "urn:xmpp:microblog:0";
constexpr int kBatch = 500;
constexpr int kSearches = 200;
constexpr int kWarmup = 50;
// Pairs of words of atom_post(): each pair is in a few thousand of the items.
const char* const kFtsQueries[] = {"murmuration dusk", "starlings nest",    "chorus hedgerow",
                                   "plumage estuary",  "fledgling thicket", "wingbeat clutch"};

struct Setup {
    int runs = 5;
    int gets = 1000;
    int items = 100000;
};

pubsub::StoredItem stored_item(int n) {
    pubsub::StoredItem item = parsed_post("post-" + std::to_string(n), n);
    item.created = 1780000000000 + n;
    return item;
}

// Fills the node as a completed sync would leave it (not subscribed: no resync on connect).
void fill_database(const std::filesystem::path& path, const pubsub::NodeKey& key, int count) {
    storage::Database db(path);
    storage::SqlitePubsubStore store(db);
    store.set_node(key, "xep_0277", "blog", "");
    std::vector<pubsub::StoredItem> batch;
    for (int n = 0; n < count; ++n) {
        batch.push_back(stored_item(n));
        if (batch.size() == kBatch || n == count - 1) {
            store.upsert_items(key, batch);
            batch.clear();
        }
    }
    store.set_sync_state(key, pubsub::SyncState::Completed);
}

// The same words straight on SQLite's FTS5 table, in process: the floor of a search.
double raw_fts_p50(const std::filesystem::path& path) {
    storage::Database db(path);
    auto query =
        db.prepare("SELECT rowid FROM pubsub_items_fts WHERE pubsub_items_fts MATCH ? LIMIT 20");
    auto times = timed_calls(kSearches, [&](int i) {
        query.bind(1, kFtsQueries[static_cast<std::size_t>(i) % std::size(kFtsQueries)]);
        while (query.executeStep()) {
        }
        query.reset();
    });
    return percentile(times, 0.5);
}

std::string fts_query(int i) {
    return std::string("fts:\"") +
           kFtsQueries[static_cast<std::size_t>(i) % std::size(kFtsQueries)] + "\" limit 20";
}

struct InProcess {
    double get20_p50 = 0;
    double fts_p50 = 0;
};

// The same get and search through the store API on the same database, in process: what
// the daemon adds over them is IPC, JSON and its own dispatch.
InProcess store_floor(const std::filesystem::path& path, const pubsub::NodeKey& key, int gets) {
    storage::Database db(path);
    storage::SqlitePubsubStore store(db);
    pubsub::ItemsQuery latest;
    latest.rsm = pubsub::RsmRequest{20, std::nullopt, std::nullopt, std::nullopt};
    timed_calls(kWarmup, [&](int) { store.get_items(key, latest); });
    InProcess floor;
    floor.get20_p50 =
        percentile(timed_calls(gets, [&](int) { store.get_items(key, latest); }), 0.5);
    floor.fts_p50 =
        percentile(timed_calls(kSearches,
                               [&](int i) {
                                   auto parsed = store.parse_search(fts_query(i));
                                   auto query = std::move(*parsed.query);
                                   query.scope = pubsub::ProfileScope::only(key.profile);
                                   if (store.search(query).hits.empty())
                                       throw std::runtime_error("a search found nothing");
                               }),
                   0.5);
    return floor;
}

Setup parse(int argc, char** argv) {
    Setup setup;
    read_int_args(argc, argv, 1, {&setup.runs, &setup.gets, &setup.items});
    return setup;
}

}  // namespace

int main(int argc, char** argv) try {
    Setup setup = parse(argc, argv);
    step("starting Prosody and roostd");
    test::ProsodyServer server({.users = {"bob"}});
    test::Daemon daemon(test::profile_toml(server, "bob"));
    daemon.terminate();  // the database now exists, migrated

    pubsub::NodeKey key{"bob", server.pubsub_service(), kNode};
    step("writing " + std::to_string(setup.items) + " parsed items into roostd's database");
    auto start = Clock::now();
    fill_database(daemon.database(), key, setup.items);
    std::printf("  %.1f s\n", seconds_since(start));
    double raw_fts = raw_fts_p50(daemon.database());
    auto floor = store_floor(daemon.database(), key, setup.gets);

    daemon.restart();
    ipc::IpcClient ipc(daemon.socket());
    wait_connected(ipc);
    json get{{"profile", "bob"},
             {"service", server.pubsub_service()},
             {"node", kNode},
             {"max", 20}};
    auto page = ipc.call("pubsub.cache.get", get);
    if (page["items"].size() != 20 || page["from_cache"] == false)
        throw std::runtime_error("unexpected cached page: " + page.dump().substr(0, 300));
    auto search = [&](int i) {
        return ipc.call("pubsub.cache.search", {{"profile", "bob"}, {"query", fts_query(i)}});
    };
    auto hits = search(0);
    std::printf("  a search finds %zu hits (limit 20)\n", hits["hits"].size());

    std::vector<double> status_p50, status_p99, get_p50, get_p99, fts_p50;
    for (int run = 0; run < setup.runs; ++run) {
        step("run " + std::to_string(run + 1) + " of " + std::to_string(setup.runs));
        timed_calls(kWarmup, [&](int) { ipc.call("pubsub.cache.get", get); });
        auto status = timed_calls(setup.gets, [&](int) { ipc.call("status"); });
        auto gets = timed_calls(setup.gets, [&](int) { ipc.call("pubsub.cache.get", get); });
        auto searches = timed_calls(kSearches, search);
        status_p50.push_back(percentile(status, 0.5));
        status_p99.push_back(percentile(status, 0.99));
        get_p50.push_back(percentile(gets, 0.5));
        get_p99.push_back(percentile(gets, 0.99));
        fts_p50.push_back(percentile(searches, 0.5));
        std::printf("  status p50 %.3f ms p99 %.3f ms; get 20 p50 %.3f ms p99 %.3f ms; "
                    "FTS p50 %.3f ms\n",
                    status_p50.back(), status_p99.back(), get_p50.back(), get_p99.back(),
                    fts_p50.back());
    }
    step("medians of " + std::to_string(setup.runs) + " runs");
    result("ipc.status_p50_ms", median(status_p50), "ms");
    result("ipc.status_p99_ms", median(status_p99), "ms");
    result("ipc.get20_p50_ms", median(get_p50), "ms");
    result("ipc.get20_p99_ms", median(get_p99), "ms");
    result("ipc.fts_p50_ms", median(fts_p50), "ms");
    result("ipc.get20_store_p50_ms", floor.get20_p50, "ms");
    result("ipc.fts_store_p50_ms", floor.fts_p50, "ms");
    result("ipc.fts_raw_sqlite_p50_ms", raw_fts, "ms");
    result("ipc.items", setup.items, "items");
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "ipc_bench: %s\n", e.what());
    return 1;
}

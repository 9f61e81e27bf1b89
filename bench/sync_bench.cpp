// SPDX-License-Identifier: MIT
// sync_bench: a real roostd against a real Prosody or ejabberd on loopback: cold sync of a
// large node against the wire limit (a bare client fetching the same items the same way,
// storing nothing), the daemon's memory after it, database bytes per item, and event
// ingest (how fast a publisher can push while the cache keeps up).
//
// sync_bench prosody|ejabberd [runs] [items] [event items]   (ROOST_BUILD_DIR must be set)
#include "bench/BareClient.hpp"
#include "bench/BenchSupport.hpp"
#include "bench/ProsodyNodeFile.hpp"
#include "plugins/pubsub_cache/NodeSync.hpp"
#include "src/ipc/IpcClient.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/Publisher.hpp"

#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace roost;
using namespace roost::bench;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// The glob of xep_0277's analyser: items are parsed (JSON + text for FTS) as a blog's are.
constexpr const char* kNode = "urn:xmpp:microblog:0:bench";
constexpr int kPublishWindow = 100;
constexpr int kProsodyPublishes = 200;
// The wire limit asks for the very pages the sync asks for.
constexpr int kDaemonPageSize = cache::kSyncPageSize;

struct Setup {
    std::string server_name;
    int runs = 5;
    int items = 10000;
    int event_items = 2000;
};

std::unique_ptr<test::XmppServer> start_server(const Setup& setup) {
    test::XmppServerOptions options{.users = {"alice", "bob"},
                                    .admins = {"alice"},
                                    .pubsub_max_items = setup.items};
    if (setup.server_name == "prosody") return std::make_unique<test::ProsodyServer>(options);
    if (setup.server_name == "ejabberd") return std::make_unique<test::EjabberdServer>(options);
    throw std::invalid_argument("server: prosody or ejabberd, not " + setup.server_name);
}

json node_params(const test::XmppServer& server, const std::string& node) {
    return {{"profile", "bob"}, {"service", server.pubsub_service()}, {"node", node}};
}

std::string item_id(int n) { return "post-" + std::to_string(n); }

// Posts 0..count-1, as alice publishes them.
std::vector<test::PublishItem> posts(int count) {
    std::vector<test::PublishItem> items;
    items.reserve(static_cast<std::size_t>(count));
    for (int n = 0; n < count; ++n) items.push_back({item_id(n), atom_post(n)});
    return items;
}

// Publishing is timed by the benchmark, not bounded by the publisher.
constexpr auto kPublishLimit = std::chrono::minutes(30);

struct DatabaseSize {
    double file_bytes = 0;
    double items = 0;
    double xml_bytes = 0;     // the raw <item/> XML as received
    double stored_bytes = 0;  // raw XML + parsed JSON + search text
};

// Where the bytes go: tables and indexes by size (SQLite's dbstat, where it is built in).
void print_largest_objects(SQLite::Database& db) {
    try {
        SQLite::Statement objects(db, "SELECT name, sum(pgsize) AS bytes FROM dbstat "
                                      "GROUP BY name ORDER BY bytes DESC LIMIT 8");
        std::printf("  database by object:");
        while (objects.executeStep())
            std::printf(" %s %.0f kB;", objects.getColumn(0).getText(),
                        objects.getColumn(1).getDouble() / 1024);
        std::printf("\n");
    } catch (const SQLite::Exception& e) {
        std::printf("  (no dbstat: %s)\n", e.what());
    }
}

// Longer than core::WalTrim::kIdle: roostd has given the WAL back by then.
constexpr std::chrono::seconds kIdleAfterSync{3};

// The database and its WAL as they lie on disk now.
double bytes_on_disk(const std::filesystem::path& path) {
    double bytes = 0;
    for (const char* suffix : {"", "-wal"}) {
        std::error_code missing;
        auto size = std::filesystem::file_size(path.string() + suffix, missing);
        if (!missing) bytes += static_cast<double>(size);
    }
    return bytes;
}

// Read after roostd stopped: its last connection closed, so the WAL is checkpointed.
DatabaseSize measure_database(const std::filesystem::path& path) {
    DatabaseSize size;
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        SQLite::Statement sums(db,
                               "SELECT count(*), total(length(CAST(raw_xml AS BLOB))), "
                               "total(length(CAST(raw_xml AS BLOB)) + "
                               "coalesce(length(CAST(parsed AS BLOB)), 0) + "
                               "coalesce(length(CAST(search_text AS BLOB)), 0)) FROM pubsub_items");
        sums.executeStep();
        size.items = sums.getColumn(0).getDouble();
        size.xml_bytes = sums.getColumn(1).getDouble();
        size.stored_bytes = sums.getColumn(2).getDouble();
        print_largest_objects(db);
    }
    size.file_bytes = bytes_on_disk(path);
    return size;
}

struct SyncRun {
    double wire_s = 0;
    double sync_s = 0;
    double wire_cpu_s = 0;          // CPU the bare client used for its fetch
    double sync_cpu_s = 0;          // CPU roostd used for the sync
    double wire_client_hwm_mb = 0;  // this process's peak once the bare client fetched
    ProcessMemory before;           // roostd connected, nothing synced yet
    ProcessMemory memory;
    DatabaseSize database;
    double running_file_bytes = 0;  // database + WAL on disk after the sync, roostd running
    double idle_file_bytes = 0;     // the same once roostd has been idle (core::WalTrim)
};

SyncRun sync_run(const test::XmppServer& server, const Setup& setup) {
    SyncRun run;
    bool rsm = setup.server_name == "ejabberd";
    {
        BareClient bob(server, "bob");
        double cpu = process_cpu_seconds(::getpid());
        auto start = Clock::now();
        auto fetched = bob.fetch_all(server.pubsub_service(), kNode, rsm, kDaemonPageSize);
        run.wire_s = seconds_since(start);
        run.wire_cpu_s = process_cpu_seconds(::getpid()) - cpu;
        if (fetched.items != static_cast<std::size_t>(setup.items))
            throw std::runtime_error("the bare client fetched " + std::to_string(fetched.items) +
                                     " items, not " + std::to_string(setup.items));
        run.wire_client_hwm_mb = process_memory(::getpid()).hwm_mb;
        std::printf("  wire: %zu items in %zu requests, %.3f s; bare client VmHWM %.1f MB\n",
                    fetched.items, fetched.requests, run.wire_s, run.wire_client_hwm_mb);
    }
    test::Daemon daemon(test::profile_toml(server, "bob"));
    ipc::IpcClient ipc(daemon.socket());
    wait_connected(ipc);
    run.before = process_memory(daemon.pid());
    double cpu = process_cpu_seconds(daemon.pid());
    auto start = Clock::now();
    json synced = ipc.call("pubsub.cache.sync", node_params(server, kNode), 600s);
    run.sync_s = seconds_since(start);
    run.sync_cpu_s = process_cpu_seconds(daemon.pid()) - cpu;
    if (synced["sync_state"] != "completed" || synced["items"] != setup.items)
        throw std::runtime_error("the sync ended " + synced.dump());
    run.memory = process_memory(daemon.pid());
    std::printf("  sync: %d items, %.3f s (%.2fx the wire), roostd CPU %.2f s (bare client %.2f s);"
                " roostd VmRSS %.1f MB, VmHWM %.1f MB\n",
                setup.items, run.sync_s, run.sync_s / run.wire_s, run.sync_cpu_s, run.wire_cpu_s,
                run.memory.rss_mb, run.memory.hwm_mb);
    run.running_file_bytes = bytes_on_disk(daemon.database());
    std::this_thread::sleep_for(kIdleAfterSync);
    run.idle_file_bytes = bytes_on_disk(daemon.database());
    if (daemon.terminate() != 0) throw std::runtime_error("roostd did not stop cleanly");
    run.database = measure_database(daemon.database());
    return run;
}

// `status` round trips while the daemon took a flood.
struct StatusFigures {
    std::size_t calls = 0;
    double p99_ms = 0;
    double max_ms = 0;
};

struct IngestRun {
    double publish_rate = 0;  // items/s the server acknowledged
    double cached_rate = 0;   // items/s until the last one was in the cache
    StatusFigures status;     // while the events came in
};

// `status` round trips from a client of its own, one every kStatusEvery, until stopped:
// how long a user's call waits while the daemon takes a flood of events.
class StatusProbe {
public:
    static constexpr auto kStatusEvery = 10ms;

    explicit StatusProbe(const std::filesystem::path& socket)
        : client_(socket), thread_([this] { run(); }) {}

    ~StatusProbe() { halt(); }

    // Stops the probe and sums up its round trips; rethrows a failed call's error.
    StatusFigures stop() {
        halt();
        if (failure_) std::rethrow_exception(failure_);
        if (times_.empty()) throw std::runtime_error("no status call ended during the flood");
        return {times_.size(), percentile(times_, 0.99),
                *std::max_element(times_.begin(), times_.end())};
    }

private:
    void halt() {
        stopping_ = true;
        if (thread_.joinable()) thread_.join();
    }

    void run() {
        try {
            while (!stopping_) {
                auto start = Clock::now();
                client_.call("status", json::object());
                times_.push_back(seconds_since(start) * 1000);
                std::this_thread::sleep_for(kStatusEvery);
            }
        } catch (...) {
            failure_ = std::current_exception();
        }
    }

    ipc::IpcClient client_;
    std::atomic<bool> stopping_ = false;
    std::vector<double> times_;
    std::exception_ptr failure_;
    std::thread thread_;
};

bool in_cache(ipc::IpcClient& ipc, const json& target, const std::string& id) {
    json get = target;
    get["items"] = {id};
    try {
        return !ipc.call("pubsub.cache.get", get)["items"].empty();
    } catch (const ipc::IpcCallError&) {
        return false;
    }
}

// Waits until the cache holds item `id`, asking every `poll`.
void wait_until_cached(ipc::IpcClient& ipc, const json& target, const std::string& id,
                       std::chrono::milliseconds poll) {
    auto deadline = Clock::now() + 120s;
    while (!in_cache(ipc, target, id)) {
        if (Clock::now() > deadline) throw std::runtime_error(id + " never reached the cache");
        std::this_thread::sleep_for(poll);
    }
}

// Syncs `node`, still empty, so that events keep it current; returns its IPC target.
json sync_empty_node(ipc::IpcClient& ipc, const test::XmppServer& server, const std::string& node) {
    wait_connected(ipc);
    json target = node_params(server, node);
    json synced = ipc.call("pubsub.cache.sync", target, 60s);
    if (synced["sync_state"] != "completed")
        throw std::runtime_error(node + " did not sync: " + synced.dump());
    return target;
}

// A fresh node per run, synced (empty) and so subscribed and kept current by events.
IngestRun ingest_run(const test::XmppServer& server, const Setup& setup, int run_index) {
    test::Publisher alice(server, "alice");
    std::string node = "urn:xmpp:microblog:0:events-" + std::to_string(run_index);
    alice.create_node(server.pubsub_service(), node, setup.event_items);
    auto items = posts(setup.event_items);
    test::Daemon daemon(test::profile_toml(server, "bob"));
    ipc::IpcClient ipc(daemon.socket());
    json target = sync_empty_node(ipc, server, node);

    IngestRun run;
    StatusProbe probe(daemon.socket());
    auto start = Clock::now();
    alice.publish_all(server.pubsub_service(), node, items, kPublishWindow, kPublishLimit);
    double published_s = seconds_since(start);
    wait_until_cached(ipc, target, item_id(setup.event_items - 1), 1ms);
    double cached_s = seconds_since(start);
    run.status = probe.stop();
    json count = target;
    count["max"] = 1;
    auto cached = ipc.call("pubsub.cache.get", count)["rsm"].value("count", -1);
    if (cached != setup.event_items)
        throw std::runtime_error("the cache holds " + std::to_string(cached) + " of " +
                                 std::to_string(setup.event_items) + " published items");
    run.publish_rate = setup.event_items / published_s;
    run.cached_rate = setup.event_items / cached_s;
    std::printf("  events: %d published in %.3f s (%.0f/s), all %d cached after %.3f s (%.0f/s); "
                "%zu status calls meanwhile, p99 %.1f ms, slowest %.1f ms\n",
                setup.event_items, published_s, run.publish_rate, cached, cached_s, run.cached_rate,
                run.status.calls, run.status.p99_ms, run.status.max_ms);
    return run;
}

struct LargeRun {
    double cached_s = 0;   // from the publish until the item is in the cache
    StatusFigures status;  // meanwhile
};

constexpr std::size_t kLargeItemBytes = 9 * 1024 * 1024;

// Issue 15, target 3: one 9 MiB item published into a cached node, with the cache's
// size limit lifted, while a client calls `status` every 10 ms.
LargeRun large_item_run(const test::XmppServer& server, int run_index) {
    test::Publisher alice(server, "alice");
    std::string node = "urn:xmpp:microblog:0:large-" + std::to_string(run_index);
    alice.create_node(server.pubsub_service(), node, 10);
    test::Daemon daemon(test::profile_toml(server, "bob") +
                        "[plugins.pubsub_cache]\nmax_item_bytes = 0\n");
    ipc::IpcClient ipc(daemon.socket());
    json target = sync_empty_node(ipc, server, node);
    std::vector<test::PublishItem> large = {{"large", large_atom_post("large", kLargeItemBytes)}};

    LargeRun run;
    StatusProbe probe(daemon.socket());
    auto start = Clock::now();
    alice.publish_all(server.pubsub_service(), node, large, 1, kPublishLimit);
    wait_until_cached(ipc, target, "large", 20ms);  // the poll that finds it reads 9 MiB
    run.cached_s = seconds_since(start);
    run.status = probe.stop();
    std::printf("  large item: %zu MiB cached %.3f s after its publish; %zu status calls "
                "meanwhile, p99 %.1f ms, slowest %.1f ms\n",
                kLargeItemBytes / (1024 * 1024), run.cached_s, run.status.calls, run.status.p99_ms,
                run.status.max_ms);
    return run;
}

// Fills the node: ejabberd takes the items over XMPP, pipelined. Prosody 0.12 rereads the
// node's whole list on every publish (tens of items a second, slower as the node grows):
// its publish rate is measured on the first items, then the rest are written into its
// storage while it is stopped (bench/ProsodyNodeFile).
void publish_node(test::XmppServer& server, const Setup& setup) {
    bool prosody = setup.server_name == "prosody";
    int published = prosody ? std::min(setup.items, kProsodyPublishes) : setup.items;
    {
        test::Publisher alice(server, "alice");
        alice.create_node(server.pubsub_service(), kNode, setup.items);
        auto items = posts(published);
        step("publishing " + std::to_string(published) + " items, " +
             std::to_string(kPublishWindow) + " in flight");
        auto start = Clock::now();
        alice.publish_all(server.pubsub_service(), kNode, items, kPublishWindow, kPublishLimit);
        double seconds = seconds_since(start);
        std::printf("  %.1f s, %.0f items/s\n", seconds, published / seconds);
        result(setup.server_name + ".publish_setup_rate", published / seconds, "items/s");
    }
    if (published == setup.items) return;
    step("writing " + std::to_string(setup.items) + " items into Prosody's storage, stopped");
    server.stop();
    write_prosody_items(server, server.pubsub_service(), kNode, setup.items, "post-", atom_post,
                        server.account("alice").jid);
    server.start();
}

Setup parse(int argc, char** argv) {
    if (argc < 2)
        throw std::invalid_argument(
            "usage: sync_bench prosody|ejabberd [runs] [items] [event items]");
    Setup setup;
    setup.server_name = argv[1];
    read_int_args(argc, argv, 2, {&setup.runs, &setup.items, &setup.event_items});
    return setup;
}

}  // namespace

int main(int argc, char** argv) try {
    Setup setup = parse(argc, argv);
    const std::string& name = setup.server_name;
    step("starting " + name + " on 127.0.0.1");
    auto server = start_server(setup);
    publish_node(*server, setup);
    std::vector<double> wire, sync, ratio, wire_cpu, sync_cpu, client_hwm, rss_before, rss, hwm,
        bytes_per_item, xml_ratio, stored_ratio, running_per_item, idle_per_item;
    for (int run = 0; run < setup.runs; ++run) {
        step("cold sync, run " + std::to_string(run + 1) + " of " + std::to_string(setup.runs));
        auto r = sync_run(*server, setup);
        wire.push_back(r.wire_s * 1000);
        sync.push_back(r.sync_s * 1000);
        ratio.push_back(r.sync_s / r.wire_s);
        wire_cpu.push_back(r.wire_cpu_s * 1000);
        sync_cpu.push_back(r.sync_cpu_s * 1000);
        client_hwm.push_back(r.wire_client_hwm_mb);
        rss_before.push_back(r.before.rss_mb);
        rss.push_back(r.memory.rss_mb);
        hwm.push_back(r.memory.hwm_mb);
        bytes_per_item.push_back(r.database.file_bytes / r.database.items);
        xml_ratio.push_back(r.database.file_bytes / r.database.xml_bytes);
        stored_ratio.push_back(r.database.file_bytes / r.database.stored_bytes);
        running_per_item.push_back(r.running_file_bytes / r.database.items);
        idle_per_item.push_back(r.idle_file_bytes / r.database.items);
        if (run == 0)
            std::printf("  database: %.0f bytes for %.0f items; raw XML %.0f bytes, stored "
                        "(XML + JSON + text) %.0f bytes\n",
                        r.database.file_bytes, r.database.items, r.database.xml_bytes,
                        r.database.stored_bytes);
    }
    std::vector<double> publish_rates, cached_rates, status_p99s, status_maxes;
    for (int run = 0; run < setup.runs; ++run) {
        step("event ingest, run " + std::to_string(run + 1) + " of " + std::to_string(setup.runs));
        auto r = ingest_run(*server, setup, run);
        publish_rates.push_back(r.publish_rate);
        cached_rates.push_back(r.cached_rate);
        status_p99s.push_back(r.status.p99_ms);
        status_maxes.push_back(r.status.max_ms);
    }

    // Prosody only: an ejabberd node takes payloads of at most 250,000 bytes by default
    // (pubsub#max_payload_size); test::ProsodyServer allows stanzas of 16 MiB.
    std::vector<double> large_cached, large_p99s, large_maxes;
    for (int run = 0; name == "prosody" && run < setup.runs; ++run) {
        step("large item, run " + std::to_string(run + 1) + " of " + std::to_string(setup.runs));
        auto r = large_item_run(*server, run);
        large_cached.push_back(r.cached_s * 1000);
        large_p99s.push_back(r.status.p99_ms);
        large_maxes.push_back(r.status.max_ms);
    }

    step("medians of " + std::to_string(setup.runs) + " runs");
    result(name + ".page_size", kDaemonPageSize, "items");
    result(name + ".wire_ms", median(wire), "ms");
    result(name + ".sync_ms", median(sync), "ms");
    result(name + ".sync_over_wire", median(ratio), "x");
    result(name + ".wire_cpu_ms", median(wire_cpu), "ms");
    result(name + ".sync_cpu_ms", median(sync_cpu), "ms");
    result(name + ".wire_client_hwm_mb", median(client_hwm), "MB");
    result(name + ".rss_before_mb", median(rss_before), "MB");
    result(name + ".rss_mb", median(rss), "MB");
    result(name + ".hwm_mb", median(hwm), "MB");
    result(name + ".db_bytes_per_item", median(bytes_per_item), "B");
    result(name + ".db_over_xml", median(xml_ratio), "x");
    result(name + ".db_over_stored", median(stored_ratio), "x");
    result(name + ".db_running_bytes_per_item", median(running_per_item), "B");
    result(name + ".db_idle_bytes_per_item", median(idle_per_item), "B");
    result(name + ".events_publish_rate", median(publish_rates), "items/s");
    result(name + ".events_cached_rate", median(cached_rates), "items/s");
    result(name + ".events_status_p99_ms", median(status_p99s), "ms");
    result(name + ".events_status_max_ms", median(status_maxes), "ms");
    if (!large_cached.empty()) {
        result(name + ".large_cached_ms", median(large_cached), "ms");
        result(name + ".large_status_p99_ms", median(large_p99s), "ms");
        result(name + ".large_status_max_ms", median(large_maxes), "ms");
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "sync_bench: %s\n", e.what());
    return 1;
}

// SPDX-License-Identifier: MIT
// stream_bench: figures for streams (issue 14), views that merge many cached feeds newest
// first (plugins/streams, PubsubStore::merged_items):
//   store    in process, SqlitePubsubStore::merged_items on 1,000 feeds of 100 items each
//            (100,000 items, times interleaved across the feeds): the newest 20 (p50,
//            p99), the next 20 by cursor, and the same for a narrow stream of 10 of those
//            feeds (the store asks node by node then);
//   ipc      a real roostd (its plugins, streams among them) on the same kind of
//            database: stream.get of 20 and of the next page over a 1,000-feed stream, and
//            stream.define replacing that rule by another of 1,000 feeds while 100 clients
//            are subscribed to the stream (the answer's time, which holds the notifications,
//            sent and read as lines: the client's JSON work is not the daemon's);
//   latency  a Prosody node in a stream, synced (so subscribed) by roostd: from the answer
//            to a publish IQ to the subscriber's "items" notification of that item.
// As ipc_bench, the items are written with the store API into roostd's database while it
// is stopped, parsed by xep_0277's Atom parser as a sync would, every node marked synced.
//
// stream_bench [all|store|ipc|latency] [runs] [posts] [reads]   (ROOST_BUILD_DIR must be
// set for ipc and latency; runs 5, posts 200, reads 1000 calls per figure and run)
#include "bench/BenchSupport.hpp"
#include "plugins/xep_0277/AtomParser.hpp"
#include "src/ipc/IpcClient.hpp"
#include "src/ipc/JsonRpc.hpp"
#include "src/ipc/UnixSocket.hpp"
#include "src/storage/Database.hpp"
#include "src/storage/MigrationSet.hpp"
#include "src/storage/Migrator.hpp"
#include "src/storage/SqlitePubsubStore.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/Publisher.hpp"
#include "tests/support/TempDir.hpp"

#include <sys/socket.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace roost;
using namespace roost::bench;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int kFeeds = 1000;        // in the stream
constexpr int kItemsPerFeed = 100;  // 100,000 items
constexpr int kNarrowFeeds = 10;    // a narrow stream: every 100th feed
constexpr int kSubscribers = 100;
constexpr int kDefinesPerRun = 5;
constexpr std::int64_t kFirstTime = 1780000000000;  // Unix ms
constexpr std::int64_t kStepMs = 60000;             // one item a minute across all feeds

// A request line sent as it is and its answer line read back unparsed: what a call costs
// the daemon, without the client's own JSON work (a 1,000-feed rule is 80 KB each way).
class LineClient {
public:
    explicit LineClient(const std::filesystem::path& socket) : fd_(ipc::connect_unix(socket)) {}

    std::string call(const std::string& line) {
        for (std::size_t sent = 0; sent < line.size();) {
            ssize_t n = ::send(fd_.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) throw std::runtime_error("the daemon's socket refused the request");
            sent += static_cast<std::size_t>(n);
        }
        for (;;) {
            if (auto end = input_.find('\n'); end != std::string::npos) {
                std::string answer = input_.substr(0, end);
                input_.erase(0, end + 1);
                return answer;
            }
            char chunk[65536];
            ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
            if (n <= 0) throw std::runtime_error("the daemon closed the socket");
            input_.append(chunk, static_cast<std::size_t>(n));
        }
    }

private:
    reactor::Fd fd_;
    std::string input_;
};

struct Setup {
    std::string part = "all";
    int runs = 5;
    int posts = 200;
    int reads = 1000;  // calls per figure per run, one at a time
    int warmup() const { return std::min(50, reads); }
};

std::string feed_name(int feed) {
    char name[32];
    std::snprintf(name, sizeof name, "urn:xmpp:microblog:0:feed-%04d", feed);
    return name;
}

// Item k of feed f: its time interleaves the feeds (f's k-th item is the (k * feeds + f)-th
// of all), so the newest 20 of every feed come from 20 feeds, a narrow stream's from its
// few. Rows are written feed by feed (as syncs write them): row order is not time order.
pubsub::StoredItem stored_item(int feed, int k, int feeds) {
    pubsub::StoredItem item = parsed_post("post-" + std::to_string(k), feed * kItemsPerFeed + k);
    item.time = kFirstTime + (static_cast<std::int64_t>(k) * feeds + feed) * kStepMs;
    item.created = item.time;
    return item;
}

std::vector<pubsub::NodeKey> feed_keys(const std::string& profile, const std::string& service,
                                       int first, int count, int stride = 1) {
    std::vector<pubsub::NodeKey> keys;
    for (int i = 0; i < count; ++i)
        keys.push_back({profile, service, feed_name(first + i * stride)});
    return keys;
}

// `feeds` nodes of kItemsPerFeed items each, as completed syncs leave them (not
// subscribed: no resync on connect).
void fill(storage::Database& db, const std::string& profile, const std::string& service,
          int feeds) {
    storage::SqlitePubsubStore store(db);
    auto start = Clock::now();
    for (int feed = 0; feed < feeds; ++feed) {
        pubsub::NodeKey key{profile, service, feed_name(feed)};
        store.set_node(key, "xep_0277", "blog", "");
        std::vector<pubsub::StoredItem> items;
        for (int k = 0; k < kItemsPerFeed; ++k) items.push_back(stored_item(feed, k, feeds));
        store.upsert_items(key, items);
        store.set_sync_state(key, pubsub::SyncState::Completed);
    }
    std::printf("  %d feeds of %d items written in %.1f s\n", feeds, kItemsPerFeed,
                seconds_since(start));
}

struct Percentiles {
    std::vector<double> p50, p99;
    void add(const std::vector<double>& times) {
        p50.push_back(percentile(times, 0.5));
        p99.push_back(percentile(times, 0.99));
    }
    void report(const std::string& name) const {
        result(name + "_p50_ms", median(p50), "ms");
        result(name + "_p99_ms", median(p99), "ms");
    }
};

// ---- in process -------------------------------------------------------------------------

void store_part(const Setup& setup) {
    step("in process: a migrated database of " + std::to_string(kFeeds) + " feeds");
    test::TempDir dir;
    storage::Database db(dir / "stream-bench.db");
    auto migrations = storage::MigrationSet::embedded();
    storage::Migrator migrator(db, migrations);
    migrator.run(migrator.plan_upgrade());
    const std::string service = "pubsub.example.org";
    fill(db, "bench", service, kFeeds);
    storage::SqlitePubsubStore store(db);

    struct Case {
        const char* name;
        std::vector<pubsub::NodeKey> nodes;
        Percentiles first, next;
    };
    Case cases[] = {{"store.stream1000", feed_keys("bench", service, 0, kFeeds), {}, {}},
                    {"store.stream10",
                     feed_keys("bench", service, 0, kNarrowFeeds, kFeeds / kNarrowFeeds),
                     {},
                     {}}};
    for (int run = 0; run < setup.runs; ++run) {
        for (auto& c : cases) {
            pubsub::MergedQuery query;
            query.profile = "bench";
            query.nodes = c.nodes;
            query.limit = 20;
            auto page = store.merged_items(query);
            if (page.items.size() != 20 || !page.more)
                throw std::runtime_error(std::string(c.name) + ": not a full first page");
            pubsub::MergedQuery next = query;
            next.after = page.items.back().cursor;
            auto second = store.merged_items(next);
            if (second.items.size() != 20 || second.items.front().time >= page.items.back().time)
                throw std::runtime_error(std::string(c.name) + ": a wrong next page");
            timed_calls(setup.warmup(), [&](int) { store.merged_items(query); });
            c.first.add(timed_calls(setup.reads, [&](int) { store.merged_items(query); }));
            c.next.add(timed_calls(setup.reads, [&](int) { store.merged_items(next); }));
            std::printf("  run %d %s: first 20 p50 %.3f ms p99 %.3f ms; next 20 p50 %.3f ms "
                        "p99 %.3f ms\n",
                        run + 1, c.name, c.first.p50.back(), c.first.p99.back(), c.next.p50.back(),
                        c.next.p99.back());
        }
    }
    step("in process: medians of " + std::to_string(setup.runs) + " runs");
    for (const auto& c : cases) {
        c.first.report(std::string(c.name) + ".first");
        c.next.report(std::string(c.name) + ".next");
    }
}

// ---- over IPC ---------------------------------------------------------------------------

json rule_of(const std::vector<pubsub::NodeKey>& keys) {
    json feeds = json::array();
    for (const auto& key : keys)
        feeds.push_back({{"node", {{"service", key.service}, {"node", key.node}}}});
    return {{"feeds", feeds}};
}

// Reads a subscriber's notifications until the "items" one a definition brings.
void drain(ipc::IpcClient& client) {
    for (;;) {
        auto note = client.next_notification(10s);
        if (!note) throw std::runtime_error("a subscriber missed a definition's items");
        if (note->data.value("event", "") == "items") return;
    }
}

void ipc_part(const Setup& setup) {
    step("starting Prosody and roostd");
    test::ProsodyServer server({.users = {"bob"}});
    test::Daemon daemon(test::profile_toml(server, "bob"));
    daemon.terminate();  // the database now exists, migrated
    std::string service = server.pubsub_service();
    step("writing " + std::to_string(kFeeds + 1) + " feeds into roostd's database");
    {
        storage::Database db(daemon.database());
        fill(db, "bob", service, kFeeds + 1);  // the last one for a replacing rule
    }
    daemon.restart();
    ipc::IpcClient ipc(daemon.socket());
    wait_connected(ipc);

    auto old_feeds = feed_keys("bob", service, 0, kFeeds);
    auto new_feeds = feed_keys("bob", service, 1, kFeeds);  // 999 of the old + 1 other
    json rules[] = {rule_of(old_feeds), rule_of(new_feeds)};
    json define{{"profile", "bob"}, {"name", "s"}, {"rule", rules[0]}};
    std::printf("  a rule of %d feeds is %zu bytes of JSON\n", kFeeds, define.dump().size());
    auto start = Clock::now();
    auto defined = ipc.call("stream.define", define);
    std::printf("  first stream.define: %.3f ms, %zu feeds\n", seconds_since(start) * 1000,
                defined["feeds"].size());
    if (defined["feeds"].size() != static_cast<std::size_t>(kFeeds))
        throw std::runtime_error("the stream lacks feeds");

    json get{{"profile", "bob"}, {"name", "s"}, {"limit", 20}};
    auto page = ipc.call("stream.get", get);
    if (page["items"].size() != 20 || page["next"].is_null())
        throw std::runtime_error("unexpected first page: " + page.dump().substr(0, 300));
    json next = get;
    next["after"] = page["next"];
    auto second = ipc.call("stream.get", next);
    if (second["items"].size() != 20 ||
        second["items"][0]["time_ms"] >= page["items"][19]["time_ms"])
        throw std::runtime_error("unexpected next page: " + second.dump().substr(0, 300));
    std::printf("  a page of 20 is %zu bytes of JSON\n", page.dump().size());

    Percentiles status, first, following, define_alone;
    LineClient definer(daemon.socket());
    std::string define_lines[2];
    for (int n = 0; n < 2; ++n) {
        define["rule"] = rules[n];
        define_lines[n] = ipc::encode_line(ipc::make_request(n, "stream.define", define));
    }
    int which = 0;  // the rule in force
    auto replace = [&] {
        which = 1 - which;
        auto t = Clock::now();
        auto answer = definer.call(define_lines[which]);
        double ms = seconds_since(t) * 1000;
        if (answer.find("\"replaced\":true") == std::string::npos)
            throw std::runtime_error("stream.define failed: " + answer.substr(0, 300));
        return ms;
    };
    for (int run = 0; run < setup.runs; ++run) {
        step("run " + std::to_string(run + 1) + " of " + std::to_string(setup.runs));
        timed_calls(setup.warmup(), [&](int) { ipc.call("stream.get", get); });
        status.add(timed_calls(setup.reads, [&](int) { ipc.call("status"); }));
        first.add(timed_calls(setup.reads, [&](int) { ipc.call("stream.get", get); }));
        following.add(timed_calls(setup.reads, [&](int) { ipc.call("stream.get", next); }));
        std::vector<double> defines;
        for (int i = 0; i < kDefinesPerRun; ++i) defines.push_back(replace());
        define_alone.add(defines);
        std::printf("  status p50 %.3f ms; stream.get 20 p50 %.3f ms p99 %.3f ms; next 20 p50 "
                    "%.3f ms p99 %.3f ms; define without subscribers p50 %.3f ms\n",
                    status.p50.back(), first.p50.back(), first.p99.back(), following.p50.back(),
                    following.p99.back(), define_alone.p50.back());
    }

    step(std::to_string(kSubscribers) + " clients subscribe to the stream");
    std::vector<std::unique_ptr<ipc::IpcClient>> subscribers;
    for (int i = 0; i < kSubscribers; ++i) {
        subscribers.push_back(std::make_unique<ipc::IpcClient>(daemon.socket()));
        subscribers.back()->call("stream.subscribe", {{"profile", "bob"}, {"name", "s"}});
    }
    std::vector<double> define_p50, define_max;
    for (int run = 0; run < setup.runs; ++run) {
        std::vector<double> defines;
        for (int i = 0; i < kDefinesPerRun; ++i) {
            defines.push_back(replace());
            for (auto& subscriber : subscribers) drain(*subscriber);  // every one got it
        }
        define_p50.push_back(percentile(defines, 0.5));
        define_max.push_back(percentile(defines, 1));
        std::printf("  run %d: stream.define replacing %d feeds with %d subscribers: p50 %.3f ms "
                    "max %.3f ms\n",
                    run + 1, kFeeds, kSubscribers, define_p50.back(), define_max.back());
    }
    auto memory = process_memory(daemon.pid());
    std::printf("  roostd VmRSS %.1f MB, VmHWM %.1f MB\n", memory.rss_mb, memory.hwm_mb);

    step("over IPC: medians of " + std::to_string(setup.runs) + " runs");
    status.report("ipc_stream.status");
    first.report("ipc_stream.get20");
    following.report("ipc_stream.next20");
    result("ipc_stream.define_nosub_p50_ms", median(define_alone.p50), "ms");
    result("ipc_stream.define_sub100_p50_ms", median(define_p50), "ms");
    result("ipc_stream.define_sub100_max_ms", median(define_max), "ms");
}

// ---- latency ----------------------------------------------------------------------------

void latency_part(const Setup& setup) {
    step("starting Prosody and roostd");
    test::ProsodyServer server({.users = {"alice", "bob"},
                                .admins = {"alice"},
                                .pubsub_max_items = 10000,
                                .pubsub_in_memory = true});
    std::string service = server.pubsub_service();
    std::string node = "urn:xmpp:microblog:0:stream-latency";
    test::Publisher alice(server, "alice");
    alice.create_node(service, node, 10000);
    test::Daemon daemon(test::profile_toml(server, "bob"));
    ipc::IpcClient ipc(daemon.socket());
    wait_connected(ipc);

    // The subscriber reads on its own thread and stamps each item as it arrives.
    ipc::IpcClient listener(daemon.socket());
    listener.call("stream.subscribe", {{"profile", "bob"}, {"name", "live"}});
    json live{{"profile", "bob"}, {"name", "live"}};
    live["rule"] = rule_of({pubsub::NodeKey{"bob", service, node}});
    ipc.call("stream.define", live);
    // Defined before the node is cached: roostd syncs it (and so subscribes to it).
    for (;;) {
        auto note = listener.next_notification(60s);
        if (!note) throw std::runtime_error("the stream's feed never synced");
        if (note->data.value("event", "") == "feed") {
            if (note->data["state"] != "synced")
                throw std::runtime_error("the feed did not sync: " + note->data.dump());
            break;
        }
    }
    std::mutex mutex;
    std::map<std::string, Clock::time_point> arrived;
    std::atomic<bool> done = false;
    std::thread reader([&] {
        while (!done) {
            auto note = listener.next_notification(100ms);
            if (!note || note->data.value("event", "") != "items") continue;
            auto now = Clock::now();
            std::lock_guard lock(mutex);
            for (const auto& item : note->data["items"])
                arrived.emplace(item["id"].get<std::string>(), now);
        }
    });
    step("alice publishes " + std::to_string(setup.posts) + " posts one at a time");
    std::vector<double> from_result, from_send;
    for (int n = 0; n < setup.posts; ++n) {
        std::string id = "live-" + std::to_string(n);
        auto sent = Clock::now();
        std::vector<test::PublishItem> post{{id, atom_post(n)}};
        alice.publish_all(service, node, post, 1);
        auto answered = Clock::now();
        auto deadline = answered + 10s;
        for (;;) {
            {
                std::lock_guard lock(mutex);
                if (auto found = arrived.find(id); found != arrived.end()) {
                    auto ms = [](auto d) {
                        return std::chrono::duration<double, std::milli>(d).count();
                    };
                    from_result.push_back(std::max(0.0, ms(found->second - answered)));
                    from_send.push_back(ms(found->second - sent));
                    break;
                }
            }
            if (Clock::now() > deadline) {
                done = true;
                reader.join();
                throw std::runtime_error("item " + id + " never reached the subscriber");
            }
            std::this_thread::sleep_for(100us);
        }
    }
    done = true;
    reader.join();
    std::size_t early = 0;
    for (double ms : from_result) early += ms == 0;
    std::printf("  %zu of %d items reached the subscriber before the publisher had its answer\n",
                early, setup.posts);
    result("latency.publish_answer_to_items_p50_ms", percentile(from_result, 0.5), "ms");
    result("latency.publish_answer_to_items_p99_ms", percentile(from_result, 0.99), "ms");
    result("latency.publish_sent_to_items_p50_ms", percentile(from_send, 0.5), "ms");
    result("latency.publish_sent_to_items_p99_ms", percentile(from_send, 0.99), "ms");
    result("latency.posts", setup.posts, "items");
}

}  // namespace

int main(int argc, char** argv) try {
    Setup setup;
    if (argc > 1) setup.part = argv[1];
    read_int_args(argc, argv, 2, {&setup.runs, &setup.posts, &setup.reads});
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows in a log as it comes
    bool all = setup.part == "all";
    if (!all && setup.part != "store" && setup.part != "ipc" && setup.part != "latency") {
        std::fputs("usage: stream_bench [all|store|ipc|latency] [runs] [posts] [reads]\n", stderr);
        return 2;
    }
    if (all || setup.part == "store") store_part(setup);
    if (all || setup.part == "ipc") ipc_part(setup);
    if (all || setup.part == "latency") latency_part(setup);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "stream_bench: %s\n", e.what());
    return 1;
}

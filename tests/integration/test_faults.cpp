// SPDX-License-Identifier: MIT
// Faults and bad input through a real roostd: databases it must refuse untouched, a
// daemon killed or a server lost in the middle of a large sync, and what a server may
// send (large items, unknown payloads, a flood of events) while clients are served.
// doc/reliability.md lists what each case guarantees.
#include "src/ipc/IpcClient.hpp"
#include "src/storage/Database.hpp"
#include "src/storage/MigrationSet.hpp"
#include "src/storage/SqlFunctions.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/Publisher.hpp"
#include "tests/support/RawIpcClient.hpp"

#include <signal.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <thread>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;
using roost::ipc::IpcClient;
namespace fs = std::filesystem;

namespace {

const int kLatest = roost::storage::MigrationSet::embedded().latest_version();

std::string roostd_binary() { return (build_dir() / "src/daemon/roostd").string(); }
std::string migrate_binary() { return (build_dir() / "src/cli/roost-migrate").string(); }

// An XDG tree whose database a test prepares before roostd sees it.
struct Tree {
    TempDir home;
    fs::path database() const { return home / "data" / "roost" / "roost.db"; }
    std::map<std::string, std::string> env() const {
        return {{"XDG_CONFIG_HOME", (home / "config").string()},
                {"XDG_DATA_HOME", (home / "data").string()},
                {"XDG_RUNTIME_DIR", (home / "run").string()}};
    }
    RunResult roostd() const { return run({roostd_binary()}, env()); }
};

// Migrates `db` with roost-migrate and checkpoints it, so that the file holds it all.
void prepare(const fs::path& db, std::vector<std::string> args) {
    fs::create_directories(db.parent_path());
    args.insert(args.begin(), {migrate_binary(), "--db", db.string()});
    auto r = run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    roost::storage::Database(db).sqlite().exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

// What roostd answers when it refuses `db`: exit code 5, one clear line, the file as
// it was and no socket.
void check_refused(const Tree& tree, const std::string& why) {
    std::string before = read_file(tree.database());
    auto r = tree.roostd();
    INFO(r.err);
    CHECK(r.exit_code == 5);
    CHECK(r.err.find(why) != std::string::npos);
    CHECK(read_file(tree.database()) == before);
    CHECK_FALSE(fs::exists(tree.home / "run" / "roost" / "roostd.sock"));
}

}  // namespace

TEST_CASE("roostd refuses a corrupt database file and leaves it as it was") {
    Tree tree;
    write_file(tree.database(), "this is not SQLite " + std::string(8192, '!'));
    check_refused(tree, "not a usable SQLite database");
}

TEST_CASE("roostd refuses a database whose pages are damaged and leaves it as it was") {
    Tree tree;
    prepare(tree.database(), {"upgrade"});
    // A valid header, then garbage where the schema's pages were.
    std::string bytes = read_file(tree.database());
    REQUIRE(bytes.size() > 4096);
    for (std::size_t i = 100; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0xA5 ^ (i * 7));
    write_file(tree.database(), bytes);
    check_refused(tree, "not a usable SQLite database");
}

TEST_CASE("roostd refuses a database from a newer Roost and leaves it as it was") {
    Tree tree;
    TempDir migrations;
    for (const auto& entry : fs::directory_iterator(source_dir() / "migrations"))
        if (entry.path().extension() == ".sql")
            fs::copy_file(entry.path(), migrations / entry.path().filename());
    std::string future = roost::storage::migration_label(kLatest + 1, "future");
    write_file(migrations / (future + ".up.sql"), "CREATE TABLE future (x);");
    write_file(migrations / (future + ".down.sql"), "DROP TABLE future;");
    prepare(tree.database(), {"--migrations-dir", migrations.path().string(), "upgrade"});
    check_refused(tree, "run a newer Roost");
}

TEST_CASE("roostd refuses a database whose applied migration was edited") {
    Tree tree;
    prepare(tree.database(), {"upgrade"});
    {
        SQLite::Database db(tree.database().string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    check_refused(tree, "restore 0001_initial.up.sql as it was");
}

TEST_CASE("a migration that fails at roostd's start leaves the database as it was") {
    Tree tree;
    prepare(tree.database(), {"upgrade", "--to", "1"});
    {
        // What 0002_pubsub_item_count creates, already there: it fails half-way.
        SQLite::Database db(tree.database().string(), SQLite::OPEN_READWRITE);
        db.exec("CREATE TRIGGER pubsub_items_count_insert AFTER INSERT ON pubsub_items "
                "BEGIN SELECT 1; END");
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    check_refused(tree, "up failed");
    SQLite::Database db(tree.database().string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT max(version) FROM schema_migrations").getInt() == 1);
}

// ---------------------------------------------------------------------------------------
// Against Prosody: alice publishes, bob's roostd caches.

namespace {

constexpr const char* kBlog = "urn:xmpp:microblog:0";
constexpr int kLargeNode = 2500;

std::string atom_post(const std::string& id, const std::string& text) {
    return "<entry xmlns='http://www.w3.org/2005/Atom'><title>" + id + "</title><content>" + text +
           "</content><author><name>alice</name></author>"
           "<published>2024-01-01T00:00:00Z</published><updated>2024-01-01T00:00:00Z</updated>"
           "<id>tag:localhost,2024:" +
           id + "</id></entry>";
}

std::vector<PublishItem> posts(const std::string& prefix, int count) {
    std::vector<PublishItem> items;
    for (int n = 0; n < count; ++n) {
        std::string id = prefix + std::to_string(n);
        items.push_back({id, atom_post(id, "Post " + std::to_string(n) + " about the heron")});
    }
    return items;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool poll_until(std::chrono::milliseconds timeout, const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return done();
}

// A Prosody with alice's blog node of `count` items on its pubsub component, kept in
// memory (fast to fill, lost on restart) or in Prosody's files (slow, durable).
struct Server {
    ProsodyServer prosody;
    Publisher alice{prosody, "alice"};

    Server(bool in_memory, int count)
        : prosody(XmppServerOptions{
              .users = {"alice", "bob"}, .admins = {"alice"}, .pubsub_in_memory = in_memory}) {
        alice.create_node(prosody.pubsub_service(), kBlog, 10000);
        auto start = std::chrono::steady_clock::now();
        alice.publish_all(prosody.pubsub_service(), kBlog, posts("post-", count));
        std::cout << "[figures] " << count << " publications to Prosody ("
                  << (in_memory ? "memory" : "file")
                  << " storage), pipelined: " << seconds_since(start) << " s\n";
    }
};

// The large node most tests share.
Server& server() {
    static auto instance = std::make_unique<Server>(true, kLargeNode);
    return *instance;
}

// Bob's roostd on `server`, and a client of it.
struct Bob {
    Server& s;
    Daemon daemon;
    std::unique_ptr<IpcClient> ipc;

    // `settings`: more of roost.toml, e.g. a [plugins.pubsub_cache] table.
    explicit Bob(Server& on, const std::string& settings = "")
        : s(on), daemon(profile_toml(on.prosody, "bob") + settings) {
        connect_ipc();
    }

    void connect_ipc() {
        ipc = std::make_unique<IpcClient>(daemon.socket());
        REQUIRE_MESSAGE(poll_until(30s, [&] { return connected(); }), daemon.log());
    }
    bool connected() {
        for (const auto& p : ipc->call("profile.list"))
            if (p["state"] == "connected") return true;
        return false;
    }
    json target(const std::string& node = kBlog) {
        return {{"profile", "bob"}, {"service", s.prosody.pubsub_service()}, {"node", node}};
    }
    json call(const std::string& method, const json& params) {
        return ipc->call(method, params, 120s);
    }
    // The node's entry in the cache's stats, or null.
    json state(const std::string& node = kBlog) {
        json stats = call("pubsub.cache.stats", {{"profile", "bob"}});
        for (const auto& entry : stats["nodes"])
            if (entry["node"] == node) return entry;
        return nullptr;
    }
    // Starts an explicit sync without waiting for its answer.
    std::unique_ptr<RawIpcClient> start_sync(const std::string& node = kBlog) {
        auto client = std::make_unique<RawIpcClient>(daemon.socket());
        REQUIRE(client->send(json{{"jsonrpc", "2.0"},
                                  {"id", 1},
                                  {"method", "pubsub.cache.sync"},
                                  {"params", target(node)}}
                                 .dump() +
                             "\n"));
        return client;
    }
    std::vector<std::string> ids(const json& page) {
        std::vector<std::string> result;
        for (const auto& item : page["items"]) result.push_back(item["id"]);
        std::sort(result.begin(), result.end());
        return result;
    }
    std::vector<std::string> server_ids(const std::string& node = kBlog) {
        json params = target(node);
        params["no_cache"] = true;
        return ids(call("pubsub.get", params));
    }
    std::vector<std::string> cached_ids(const std::string& node = kBlog) {
        return ids(call("pubsub.cache.get", target(node)));
    }
};

}  // namespace

TEST_CASE("roostd killed with SIGKILL in the middle of a large sync: the database is sound, the "
          "node not complete, and the next start resyncs it") {
    Bob bob(server());
    bob.ipc->subscribe({"pubsub.cache.progress"});
    auto start = std::chrono::steady_clock::now();
    auto request = bob.start_sync();
    auto progress = bob.ipc->next_notification(120s);
    REQUIRE_MESSAGE(progress, bob.daemon.log());
    bob.daemon.kill();  // while the next pages are fetched or stored
    std::cout << "[figures] killed " << seconds_since(start) << " s into the sync, after "
              << progress->data["fetched"] << " of " << progress->data["total"] << " items\n";
    bob.ipc.reset();

    {
        SQLite::Database db(bob.daemon.database().string(), SQLite::OPEN_READWRITE);
        // The declared date fields' indexes compute instants with Roost's function.
        roost::storage::register_sql_functions(db);
        CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
        SQLite::Statement node(db,
                               "SELECT sync_state, item_count FROM pubsub_nodes WHERE node = ?");
        node.bind(1, kBlog);
        REQUIRE(node.executeStep());
        std::string state = node.getColumn(0).getString();
        std::cout << "[figures] after the kill: " << state << ", " << node.getColumn(1).getInt()
                  << " items stored\n";
        CHECK(state != "completed");
        CHECK((state == "in_progress" || state == "error"));
    }

    start = std::chrono::steady_clock::now();
    bob.daemon.restart();
    bob.connect_ipc();
    REQUIRE_MESSAGE(poll_until(120s, [&] { return bob.state()["sync_state"] == "completed"; }),
                    bob.daemon.log());
    std::cout << "[figures] resynced by itself " << seconds_since(start)
              << " s after the restart\n";
    auto cached = bob.cached_ids();
    CHECK(cached.size() == kLargeNode);
    CHECK(cached == bob.server_ids());
}

TEST_CASE("Prosody lost in the middle of a sync: the node is in error with a reason, roostd "
          "serves on, and the sync completes once the server is back") {
    // Its own server, whose data survives the restart.
    Server s(false, 100);
    Bob bob(s);
    // Frozen, the server takes the sync's first request and never answers it.
    for (pid_t pid : s.prosody.processes()) ::kill(pid, SIGSTOP);
    auto request = bob.start_sync();
    bool in_progress = poll_until(10s, [&] { return bob.state()["sync_state"] == "in_progress"; });
    s.prosody.kill();
    REQUIRE(in_progress);

    REQUIRE_MESSAGE(poll_until(10s, [&] { return bob.state()["sync_state"] == "error"; }),
                    bob.daemon.log());
    json failed = bob.state();
    std::cout << "[figures] error reason: " << failed["sync_reason"] << "\n";
    CHECK_FALSE(failed["sync_reason"].get<std::string>().empty());
    auto status = bob.daemon.roost({"--json", "status"});
    CHECK(status.exit_code == 0);
    // Past the first retry (5 s): the server is still away, roostd still up.
    std::this_thread::sleep_for(6s);
    CHECK(bob.daemon.running());
    CHECK(bob.daemon.roost({"status"}).exit_code == 0);
    CHECK(bob.daemon.log().find("retrying " + std::string(kBlog) + " in 5000 ms") !=
          std::string::npos);

    s.prosody.start();
    auto back = std::chrono::steady_clock::now();
    REQUIRE_MESSAGE(poll_until(120s, [&] { return bob.state()["sync_state"] == "completed"; }),
                    bob.daemon.log());
    std::cout << "[figures] sync completed " << seconds_since(back)
              << " s after the server came back\n";
    CHECK(bob.cached_ids() == bob.server_ids());
}

namespace {

// Calls `status` in a loop on its own connection and keeps the slowest answer's time.
class LatencyProbe {
public:
    explicit LatencyProbe(const fs::path& socket)
        : thread_([this, socket] {
              IpcClient client(socket);
              while (!stop_) {
                  auto start = std::chrono::steady_clock::now();
                  client.call("status", nullptr, 60s);
                  auto took = std::chrono::steady_clock::now() - start;
                  worst_ = std::max(worst_.load(), took);
                  ++calls_;
                  std::this_thread::sleep_for(5ms);
              }
          }) {}
    ~LatencyProbe() { finish(); }
    void finish() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    double worst_ms() const {
        return std::chrono::duration<double, std::milli>(worst_.load()).count();
    }
    int calls() const { return calls_; }

private:
    std::atomic<bool> stop_{false};
    std::atomic<std::chrono::steady_clock::duration> worst_{};
    std::atomic<int> calls_{0};
    std::thread thread_;
};

// Syncs an empty node of alice's named `node` (a blog, by its name) into bob's cache.
std::string cached_empty_node(Bob& bob, const std::string& name) {
    std::string node = std::string(kBlog) + "/" + name;
    bob.s.alice.create_node(bob.s.prosody.pubsub_service(), node, 10000);
    REQUIRE(bob.call("pubsub.cache.sync", bob.target(node))["sync_state"] == "completed");
    return node;
}

int cached_count(Bob& bob, const std::string& node) {
    json page = bob.target(node);
    page["max"] = 1;
    return bob.call("pubsub.cache.get", page)["rsm"]["count"].get<int>();
}

}  // namespace

// A bound on how long a status call waits while roostd takes a flood in. Under the
// sanitizers (measured 6 times slower here) it checks only that roostd keeps answering.
#ifdef __SANITIZE_ADDRESS__
constexpr double kWorstStatusMs = 10000;
#else
constexpr double kWorstStatusMs = 1000;
#endif

TEST_CASE("a flood of 2,000 publications is stored whole while roostd keeps answering") {
    Server& s = server();
    Bob bob(s);
    std::string node = cached_empty_node(bob, "flood");
    constexpr int kFlood = 2000;
    LatencyProbe probe(bob.daemon.socket());
    auto start = std::chrono::steady_clock::now();
    s.alice.publish_all(s.prosody.pubsub_service(), node, posts("flood-", kFlood), 256);
    double published = seconds_since(start);
    REQUIRE_MESSAGE(poll_until(120s, [&] { return cached_count(bob, node) == kFlood; }),
                    cached_count(bob, node));
    double stored = seconds_since(start);
    probe.finish();
    std::cout << "[figures] flood of " << kFlood << " publications: published in " << published
              << " s, all in the cache after " << stored << " s; " << probe.calls()
              << " status calls meanwhile, the slowest " << probe.worst_ms() << " ms\n";
    CHECK(probe.worst_ms() < kWorstStatusMs);
    CHECK(bob.cached_ids(node) == bob.server_ids(node));
    CHECK(bob.daemon.running());
}

TEST_CASE("odd payloads from the server are stored as they came, and never stop roostd") {
    Server& s = server();
    Bob bob(s);
    std::string node = cached_empty_node(bob, "odd");
    std::string deep = "<entry xmlns='http://www.w3.org/2005/Atom'><title>deep</title>"
                       "<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>";
    // Prosody 0.12 never answers a publication nested a few thousand deep: 100 it takes.
    for (int n = 0; n < 100; ++n) deep += "<span>";
    deep += "bottom";
    for (int n = 0; n < 100; ++n) deep += "</span>";
    deep += "</div></content></entry>";
    std::vector<PublishItem> odd = {
        {"unknown-ns", "<thing xmlns='urn:example:unknown'><a>1</a><b/></thing>"},
        {"not-atom-inside", "<entry xmlns='http://www.w3.org/2005/Atom'><nonsense/></entry>"},
        {"deep", deep},
        {"unicode",
         atom_post("unicode", "\xE2\x80\xAE right-to-left \xF0\x9F\x90\xA6 &amp; &lt;tags&gt;")},
    };
    s.alice.publish_all(s.prosody.pubsub_service(), node, odd);
    REQUIRE_MESSAGE(poll_until(30s, [&] { return cached_count(bob, node) == int(odd.size()); }),
                    bob.daemon.log());
    json hits = bob.call("pubsub.cache.search", {{"profile", "bob"}, {"query", "limit 100"}});
    std::map<std::string, json> by_id;
    for (const auto& hit : hits["hits"]) by_id[hit["id"]] = hit;
    CHECK(by_id["unknown-ns"]["parsed"].is_null());
    CHECK(by_id.contains("not-atom-inside"));
    CHECK(by_id["unicode"]["parsed"].is_object());
    CHECK(bob.cached_ids(node) == bob.server_ids(node));
    json one = bob.target(node);
    one["items"] = {"deep"};
    auto deep_xml = bob.call("pubsub.cache.get", one)["items"][0]["xml"].get<std::string>();
    CHECK(deep_xml.find("bottom") != std::string::npos);

    // An item without payload, if the server takes one (XEP-0060 allows it on
    // notification-only nodes).
    try {
        s.alice.publish_all(s.prosody.pubsub_service(), node, {{"empty", ""}});
        CHECK(poll_until(10s, [&] { return cached_count(bob, node) == int(odd.size()) + 1; }));
    } catch (const std::exception& e) {
        MESSAGE("Prosody refuses an item without payload: " << std::string(e.what()));
    }
    CHECK(bob.daemon.running());
    CHECK(bob.daemon.roost({"status"}).exit_code == 0);
}

TEST_CASE("large items are stored whole, and a cached answer larger than the IPC backlog limit "
          "reaches its client") {
    Server& s = server();
    // Without the default limit of 4 MiB an item (max_item_bytes; test_cache_rules has it).
    Bob bob(s, "[plugins.pubsub_cache]\nmax_item_bytes = 0\n");
    std::string node = cached_empty_node(bob, "large");
    // 36 MiB in all: over IpcServerOptions::kMaxBacklogBytes. libstrophe grows a text node
    // by one realloc per 4 KiB read; ASan's realloc always copies, which makes a 9 MiB
    // stanza take minutes there: the sanitizer stage sends the same bytes as 1 MiB items.
#ifdef __SANITIZE_ADDRESS__
    constexpr std::size_t kItemBytes = 1024 * 1024;
    constexpr int kItems = 36;
#else
    constexpr std::size_t kItemBytes = 9 * 1024 * 1024;
    constexpr int kItems = 4;
#endif
    std::vector<PublishItem> large;
    for (int n = 0; n < kItems; ++n) {
        std::string id = "large-" + std::to_string(n);
        std::string words;
        while (words.size() < kItemBytes) words += "heron" + std::to_string(words.size()) + " ";
        large.push_back({id, atom_post(id, words)});
    }
    LatencyProbe probe(bob.daemon.socket());
    auto start = std::chrono::steady_clock::now();
    s.alice.publish_all(s.prosody.pubsub_service(), node, large, 1);
    REQUIRE_MESSAGE(poll_until(120s, [&] { return cached_count(bob, node) == kItems; }),
                    bob.daemon.log());
    probe.finish();
    std::cout << "[figures] " << kItems << " items of " << kItemBytes / (1024 * 1024)
              << " MiB stored after " << seconds_since(start)
              << " s; slowest status call meanwhile " << probe.worst_ms() << " ms\n";
    start = std::chrono::steady_clock::now();
    json all = bob.call("pubsub.cache.get", bob.target(node));
    std::cout << "[figures] cached answer of " << all.dump().size() / (1024 * 1024) << " MiB in "
              << seconds_since(start) << " s\n";
    REQUIRE(all["items"].size() == kItems);
    for (const auto& item : all["items"]) CHECK(item["xml"].get<std::string>().size() > kItemBytes);
    CHECK(bob.cached_ids(node) == bob.server_ids(node));
    CHECK(bob.daemon.running());
}

// SPDX-License-Identifier: MIT
// reconnect_bench: what a reconnect costs a user who follows many nodes (issue 15,
// target 7). ejabberd on loopback holds `nodes` nodes of `items` posts, all synced by bob's
// roostd, whose stream goes through a relay (tests/support/RecordingRelay) that counts the
// bytes the server sends and cuts the line as an outage would. Each run reconnects three
// ways:
//  - a new session (`profile.disconnect` + `profile.connect`: the session ends): every
//    synced node is resynced whole, the full refetch;
//  - a short outage, nothing changed: the line is cut and comes back; the stream resumes
//    (XEP-0198);
//  - a short outage in which alice publishes one post and edits one in every node (1% of
//    the items at 500 x 200): the stream resumes and the server delivers those events.
// Bytes are the server's to bob (the handshake included); a time runs from the disconnect
// or from the line's return until the cache holds what changed (roostd's reconnect
// attempt, made 0.5-1 s after the cut, waits at the relay until then).
//
// reconnect_bench [runs] [nodes] [items per node]   (ROOST_BUILD_DIR must be set)
#include "bench/BenchSupport.hpp"
#include "src/ipc/IpcClient.hpp"
#include "tests/support/CacheClient.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/Publisher.hpp"
#include "tests/support/RecordingRelay.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace roost;
using namespace roost::bench;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int kPublishWindow = 100;
// The log line of a completed sync (plugins/pubsub_cache/NodeSync): one per node resynced.
constexpr const char* kSyncLine = "(bob): completed (";

struct Setup {
    int runs = 3;
    int nodes = 500;
    int items = 200;
};

std::string node_name(int n) { return "urn:xmpp:microblog:0:feed-" + std::to_string(n); }
std::string item_id(int n) { return "post-" + std::to_string(n); }

json target(const test::XmppServer& server, int node) {
    return {{"profile", "bob"}, {"service", server.pubsub_service()}, {"node", node_name(node)}};
}

// One reconnect: the server's bytes to bob and how long until the cache was current.
struct Reconnect {
    double bytes = 0;
    double seconds = 0;
};

class Bench {
public:
    explicit Bench(const Setup& setup)
        : setup_(setup),
          server_(test::XmppServerOptions{
              .users = {"alice", "bob"}, .admins = {"alice"}, .pubsub_max_items = setup.items}),
          relay_(server_.client_port()),
          alice_(server_, "alice") {}

    void fill() {
        step("publishing " + std::to_string(setup_.nodes) + " nodes of " +
             std::to_string(setup_.items) + " items");
        auto start = Clock::now();
        std::vector<test::PublishItem> items;
        for (int n = 0; n < setup_.items; ++n) items.push_back({item_id(n), atom_post(n)});
        for (int node = 0; node < setup_.nodes; ++node) {
            alice_.create_node(server_.pubsub_service(), node_name(node), setup_.items);
            alice_.publish_all(server_.pubsub_service(), node_name(node), items, kPublishWindow);
        }
        std::printf("  %.1f s\n", seconds_since(start));
    }

    void start_roost() {
        daemon_ = std::make_unique<test::Daemon>(test::profile_toml(server_, "bob", relay_.port()));
        ipc_ = std::make_unique<ipc::IpcClient>(daemon_->socket());
        wait_connected(*ipc_);
        step("syncing every node");
        auto start = Clock::now();
        for (int node = 0; node < setup_.nodes; ++node) {
            json synced = ipc_->call("pubsub.cache.sync", target(server_, node), 120s);
            if (synced["sync_state"] != "completed" || synced["items"] != setup_.items)
                throw std::runtime_error(node_name(node) + ": the sync ended " + synced.dump());
        }
        std::printf("  %.1f s\n", seconds_since(start));
    }

    // The session ends; the next one resyncs every node.
    Reconnect new_session() {
        auto syncs = test::count_of(daemon_->log(), kSyncLine);
        auto bytes = relay_.server_byte_count();
        auto start = Clock::now();
        ipc_->call("profile.disconnect", {{"profile", "bob"}});
        wait_until("bob disconnected", [&] { return !bob_connected(); });
        ipc_->call("profile.connect", {{"profile", "bob"}});
        wait_until("every node resynced", [&] {
            return test::count_of(daemon_->log(), kSyncLine) >= syncs + setup_.nodes;
        });
        return {static_cast<double>(relay_.server_byte_count() - bytes), seconds_since(start)};
    }

    // The line is cut while `meanwhile` runs; the stream resumes, then `current` holds.
    template <class Meanwhile, class Current>
    Reconnect outage(Meanwhile&& meanwhile, Current&& current) {
        auto syncs = test::count_of(daemon_->log(), kSyncLine);
        auto resumes = test::count_of(daemon_->log(), "session resumed");
        auto cut = Clock::now();
        relay_.cut();
        wait_until("bob disconnected", [&] { return !bob_connected(); });
        meanwhile();
        std::printf("  (the line was down %.1f s)\n", seconds_since(cut));
        auto bytes = relay_.server_byte_count();
        double cpu = process_cpu_seconds(daemon_->pid());
        auto start = Clock::now();
        relay_.restore();
        wait_until("the session resumed",
                   [&] { return test::count_of(daemon_->log(), "session resumed") > resumes; });
        std::printf("  (resumed %.3f s after the line came back)\n", seconds_since(start));
        wait_until("the cache current", current);
        double seconds = seconds_since(start);
        std::printf("  (roostd used %.2f s of CPU meanwhile)\n",
                    process_cpu_seconds(daemon_->pid()) - cpu);
        // Whatever the resume still brings (acks, late events) counts too.
        std::this_thread::sleep_for(1s);
        if (test::count_of(daemon_->log(), kSyncLine) != syncs)
            throw std::runtime_error("a resumed session resynced a node");
        return {static_cast<double>(relay_.server_byte_count() - bytes), seconds};
    }

    Reconnect quiet_outage() {
        return outage([] {}, [] { return true; });
    }

    // alice publishes one post and edits one in every node, run `run`'s own.
    Reconnect changing_outage(int run) {
        int fresh = setup_.items + run;
        int edited = run;
        int edit_text = 1'000'000 + run;
        auto publish = [&] {
            for (int node = 0; node < setup_.nodes; ++node)
                alice_.publish_all(
                    server_.pubsub_service(), node_name(node),
                    {{item_id(fresh), atom_post(fresh)}, {item_id(edited), atom_post(edit_text)}},
                    kPublishWindow);
        };
        // atom_post(n)'s <id> ends in "bench-n".
        auto mark = [](int n) { return "bench-" + std::to_string(n) + "<"; };
        auto current = [&] {
            for (int node = setup_.nodes - 1; node >= 0; --node)
                if (!holds(node, item_id(fresh), mark(fresh)) ||
                    !holds(node, item_id(edited), mark(edit_text)))
                    return false;
            return true;
        };
        return outage(publish, current);
    }

    double total_items() const { return static_cast<double>(setup_.nodes) * setup_.items; }

private:
    bool bob_connected() {
        for (const auto& profile : ipc_->call("profile.list"))
            if (profile["profile"] == "bob") return profile["state"] == "connected";
        return false;
    }

    // The cache holds item `id` of `node` and its XML has `text`.
    bool holds(int node, const std::string& id, const std::string& text) {
        json get = target(server_, node);
        get["items"] = {id};
        json items = ipc_->call("pubsub.cache.get", get)["items"];
        return !items.empty() && items[0]["xml"].get<std::string>().find(text) != std::string::npos;
    }

    template <class Done>
    void wait_until(const std::string& what, Done&& done) {
        auto deadline = Clock::now() + 300s;
        while (!done()) {
            if (Clock::now() > deadline)
                throw std::runtime_error("never: " + what + "; roostd's log:\n" + daemon_->log());
            std::this_thread::sleep_for(20ms);
        }
    }

    Setup setup_;
    test::EjabberdServer server_;
    test::RecordingRelay relay_;
    test::Publisher alice_;
    std::unique_ptr<test::Daemon> daemon_;
    std::unique_ptr<ipc::IpcClient> ipc_;
};

Setup parse(int argc, char** argv) {
    Setup setup;
    read_int_args(argc, argv, 1, {&setup.runs, &setup.nodes, &setup.items});
    return setup;
}

void print(const char* what, const Reconnect& r, double full_bytes) {
    std::printf("  %s: %.0f bytes from the server (%.4fx the full refetch), %.3f s\n", what,
                r.bytes, full_bytes > 0 ? r.bytes / full_bytes : 0.0, r.seconds);
}

}  // namespace

int main(int argc, char** argv) try {
    Setup setup = parse(argc, argv);
    step("starting ejabberd on 127.0.0.1");
    Bench bench(setup);
    bench.fill();
    bench.start_roost();
    std::vector<double> full_bytes, full_s, quiet_bytes, quiet_ratio, quiet_s, changed_bytes,
        changed_ratio, changed_s;
    for (int run = 0; run < setup.runs; ++run) {
        step("reconnects, run " + std::to_string(run + 1) + " of " + std::to_string(setup.runs));
        Reconnect full = bench.new_session();
        print("new session, every node resynced", full, full.bytes);
        Reconnect quiet = bench.quiet_outage();
        print("outage, nothing changed, resumed", quiet, full.bytes);
        Reconnect changed = bench.changing_outage(run);
        print("outage, 1 post + 1 edit a node, resumed", changed, full.bytes);
        full_bytes.push_back(full.bytes);
        full_s.push_back(full.seconds * 1000);
        quiet_bytes.push_back(quiet.bytes);
        quiet_ratio.push_back(quiet.bytes / full.bytes);
        quiet_s.push_back(quiet.seconds * 1000);
        changed_bytes.push_back(changed.bytes);
        changed_ratio.push_back(changed.bytes / full.bytes);
        changed_s.push_back(changed.seconds * 1000);
    }
    step("medians of " + std::to_string(setup.runs) + " runs");
    result("reconnect.nodes", setup.nodes, "nodes");
    result("reconnect.items", bench.total_items(), "items");
    result("reconnect.full_bytes", median(full_bytes), "B");
    result("reconnect.full_ms", median(full_s), "ms");
    result("reconnect.resumed_quiet_bytes", median(quiet_bytes), "B");
    result("reconnect.resumed_quiet_over_full", median(quiet_ratio), "x");
    result("reconnect.resumed_quiet_ms", median(quiet_s), "ms");
    result("reconnect.resumed_changed_bytes", median(changed_bytes), "B");
    result("reconnect.resumed_changed_over_full", median(changed_ratio), "x");
    result("reconnect.resumed_changed_ms", median(changed_s), "ms");
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "reconnect_bench: %s\n", e.what());
    return 1;
}

// SPDX-License-Identifier: MIT
// roost-demo: the main job on an embedded default. A Prosody on loopback, two
// accounts, a few hundred microblog posts, a roostd reading them twice (server,
// then cache), a full-text search; everything stopped at the end.
#include "src/ipc/IpcClient.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/ProsodyServer.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <thread>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;
using roost::ipc::IpcClient;

namespace {

constexpr int kPosts = 300;
constexpr const char* kNode = "urn:xmpp:microblog:0";
const char* const kWords[] = {"roosting", "starlings", "murmuration", "dusk",     "feathers",
                              "nest",     "migration", "chorus",      "hedgerow", "wingbeat"};

std::string atom_post(int n) {
    std::string word = kWords[n % 10], other = kWords[(n * 7 + 3) % 10];
    char published[32];
    std::snprintf(published, sizeof published, "2026-11-%02dT%02d:%02d:00Z", 1 + n % 28, n % 24,
                  n % 60);
    return "<entry xmlns='http://www.w3.org/2005/Atom'><title>Post " + std::to_string(n) + ": " +
           word + "</title><content>Notes on " + word + " and " + other +
           " seen today.</content><author><name>Alice</name><uri>xmpp:alice@localhost</uri>"
           "</author><published>" +
           published + "</published><updated>" + published + "</updated><category term='" + word +
           "'/></entry>";
}

template <class F>
double timed_ms(F&& f) {
    auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

void step(const std::string& what) { std::cout << "\n== " << what << "\n" << std::flush; }

void wait_connected(IpcClient& ipc) {
    for (int i = 0; i < 600; ++i) {
        int up = 0;
        for (const auto& p : ipc.call("profile.list")) up += p["state"] == "connected";
        if (up == 2) return;
        std::this_thread::sleep_for(50ms);
    }
    throw std::runtime_error("the profiles did not connect");
}

bool has_method(IpcClient& ipc, const std::string& method) {
    try {
        ipc.call(method, json::object());
        return true;
    } catch (const roost::ipc::IpcCallError& e) {
        return e.code() != -32601;
    }
}

}  // namespace

int main() try {
    step("starting Prosody on 127.0.0.1 with accounts alice and bob");
    ProsodyServer server(XmppServerOptions{.users = {"alice", "bob"}, .admins = {"alice"}});
    std::cout << "prosody listening on 127.0.0.1:" << server.client_port() << "\n";

    step("starting roostd with a throwaway config (profiles alice and bob)");
    Daemon daemon(profile_toml(server, "alice") + profile_toml(server, "bob"));
    IpcClient ipc(daemon.socket());
    wait_connected(ipc);
    std::cout << daemon.roost({"status"}).out << daemon.roost({"plugins"}).out;

    step("alice publishes " + std::to_string(kPosts) + " microblog posts to " + kNode);
    json target{{"service", server.pubsub_service()}, {"node", kNode}};
    json create = target;
    create["profile"] = "alice";
    create["config"] = {{"pubsub#max_items", "1000"}};
    ipc.call("pubsub.node.create", create);
    double publish_ms = timed_ms([&] {
        for (int n = 0; n < kPosts; ++n) {
            json publish = create;
            publish.erase("config");
            publish["item"] = "post-" + std::to_string(n);
            publish["payload"] = atom_post(n);
            ipc.call("pubsub.publish", publish, 30s);
        }
    });
    std::cout << kPosts << " posts in " << publish_ms << " ms\n";

    json get = target;
    get["profile"] = "bob";
    step("bob fetches the node: first from the server");
    json first;
    double first_ms = timed_ms([&] { first = ipc.call("pubsub.get", get, 60s); });
    std::cout << first["items"].size() << " items, from_cache=" << first["from_cache"] << ", "
              << first_ms << " ms\n";

    bool cache = has_method(ipc, "pubsub.cache.stats");
    if (cache) {
        for (int i = 0; i < 200; ++i) {  // the first request started a sync
            json stats = ipc.call("pubsub.cache.stats", {{"profile", "bob"}});
            if (stats.dump().find("completed") != std::string::npos) break;
            std::this_thread::sleep_for(50ms);
        }
    }
    step("bob fetches it again");
    json second;
    double second_ms = timed_ms([&] { second = ipc.call("pubsub.get", get, 60s); });
    std::cout << second["items"].size() << " items, from_cache=" << second["from_cache"] << ", "
              << second_ms << " ms\n";

    if (cache) {
        step("full-text search in bob's cache: murmuration");
        auto found =
            daemon.roost({"pubsub", "cache", "search", "--profile", "bob", "fts:murmuration"});
        std::cout << found.out << found.err;
    } else {
        std::cout << "(this build has no pubsub cache plugin: no cache, no search)\n";
    }

    step("stopping roostd and Prosody");
    std::cout << "roostd exit code: " << daemon.terminate() << "\n";
    return 0;
} catch (const std::exception& e) {
    std::cerr << "roost-demo: " << e.what() << "\n";
    return 1;
}

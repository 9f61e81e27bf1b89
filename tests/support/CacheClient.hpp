// SPDX-License-Identifier: MIT
// CacheClient: a test's JSON-RPC side of a roostd with the pubsub cache: publishing
// Atom posts, reading nodes through the cache or the server, and each node's cache state.
#pragma once

#include "src/ipc/IpcClient.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/TimeScale.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace roost::test {

inline constexpr const char* kMicroblog = "urn:xmpp:microblog:0";

// Polls `done` every 20 ms until it holds or `timeout` (scaled) passes; returns done().
inline bool poll_until(std::chrono::milliseconds timeout, const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

inline std::vector<std::string> ids_of(const nlohmann::json& items) {
    std::vector<std::string> ids;
    for (const auto& item : items) ids.push_back(item["id"].get<std::string>());
    return ids;
}

// How often `what` occurs in `text` (a daemon's log, say).
inline int count_of(const std::string& text, const std::string& what) {
    int count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
    return count;
}

inline std::string post_id(int n) {
    char id[32];
    std::snprintf(id, sizeof id, "post-%03d", n);
    return id;
}

// Every tenth post talks about herons, the others about sparrows.
inline std::string atom_post(int n) {
    std::string bird = n % 10 == 0 ? "heron" : "sparrow";
    return "<entry xmlns='http://www.w3.org/2005/Atom'><title>Post " + std::to_string(n) +
           " on the " + bird + "</title><content>Today I saw a " + bird +
           " near the pond.</content><author><name>alice</name></author>"
           "<published>2024-01-01T00:00:00Z</published><updated>2024-01-01T00:00:00Z</updated>"
           "<id>tag:localhost,2024:" +
           post_id(n) + "</id></entry>";
}

class CacheClient {
public:
    explicit CacheClient(const Daemon& daemon) : ipc_(daemon.socket()) {}

    nlohmann::json call(const std::string& method, nlohmann::json params) {
        return ipc_.call(method, std::move(params), std::chrono::seconds(60));
    }

    // Waits until `profiles` profiles are connected.
    bool wait_connected(std::size_t profiles) {
        return poll_until(std::chrono::seconds(30), [&] {
            std::size_t connected = 0;
            for (const auto& p : call("profile.list", nullptr))
                connected += p["state"] == "connected";
            return connected == profiles;
        });
    }

    static nlohmann::json target(const std::string& profile, const std::string& service,
                                 const std::string& node) {
        return {{"profile", profile}, {"service", service}, {"node", node}};
    }

    // The server's answer: the published item's id under "item".
    nlohmann::json publish(nlohmann::json target, const std::string& id,
                           const std::string& payload) {
        target["item"] = id;
        target["payload"] = payload;
        return call("pubsub.publish", std::move(target));
    }

    // pubsub.get through the cache (or not): the whole answer.
    nlohmann::json get(nlohmann::json target, bool no_cache = false) {
        target["no_cache"] = no_cache;
        return call("pubsub.get", std::move(target));
    }

    // The node as `pubsub.cache.stats` lists it for the target's profile; null when
    // the cache does not know it.
    nlohmann::json node_state(const nlohmann::json& target) {
        auto stats = call("pubsub.cache.stats", {{"profile", target["profile"]}});
        for (const auto& node : stats["nodes"])
            if (node["node"] == target["node"] && node["service"] == target["service"]) return node;
        return nullptr;
    }

    bool wait_state(const nlohmann::json& target, const nlohmann::json& state,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        return poll_until(timeout, [&] {
            auto node = node_state(target);
            return state.is_null() ? node.is_null()
                                   : !node.is_null() && node["sync_state"] == state;
        });
    }

    // Item ids in the cache, answered by pubsub.cache.get (empty when not cached).
    std::set<std::string> cached_ids(const nlohmann::json& target) {
        try {
            auto ids = ids_of(call("pubsub.cache.get", target)["items"]);
            return {ids.begin(), ids.end()};
        } catch (const ipc::IpcCallError&) {
            return {};
        }
    }

private:
    ipc::IpcClient ipc_;
};

}  // namespace roost::test

// SPDX-License-Identifier: MIT
// Host: everything the daemon offers a plugin. Handed to Plugin::start; valid
// until the plugin's stop() returns. Reactor thread only.
#pragma once

#include "roost/Ipc.hpp"
#include "roost/Plugin.hpp"
#include "roost/PubsubStore.hpp"
#include "roost/RosterStore.hpp"
#include "roost/StreamStore.hpp"
#include "roost/Triggers.hpp"
#include "roost/Xmpp.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace spdlog {
class logger;
}

namespace roost {

using TimerId = std::uint64_t;

class Host {
public:
    virtual ~Host() = default;

    virtual Triggers& triggers() = 0;
    virtual Ipc& ipc() = 0;
    virtual Xmpp& xmpp() = 0;
    // The pubsub cache's storage in the user's database.
    virtual pubsub::PubsubStore& pubsub_store() = 0;
    // Each profile's roster in the user's database.
    virtual roster::RosterStore& roster_store() = 0;
    // Each profile's streams (their rules) in the user's database.
    virtual streams::StreamStore& stream_store() = 0;
    // The plugin's [plugins.<name>] table of roost.toml, as JSON ({} when absent).
    virtual nlohmann::json settings() = 0;
    // A logger named after the plugin; never give it secrets.
    virtual spdlog::logger& log() = 0;

    // Runs `callback` once on the reactor thread after `delay`.
    virtual TimerId add_timer(std::chrono::milliseconds delay, std::function<void()> callback) = 0;
    virtual void cancel_timer(TimerId id) = 0;

    // Another started plugin by name, or nullptr. Cast it to the interface its SDK
    // header declares: host.plugin_as<PubsubApi>("xep_0060").
    virtual Plugin* plugin(const std::string& name) = 0;
    template <class T>
    T* plugin_as(const std::string& name) {
        return dynamic_cast<T*>(plugin(name));
    }
};

}  // namespace roost

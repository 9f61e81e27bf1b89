// SPDX-License-Identifier: MIT
// PluginContext: the roost::Host one plugin is started with. It forwards to the
// backend's services and undoes whatever the plugin left registered when it goes.
#pragma once

#include "roost/Host.hpp"
#include "src/core/ScopedServices.hpp"
#include "src/core/ScopedTriggers.hpp"
#include "src/reactor/Reactor.hpp"

#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

namespace roost::core {

// What all plugins' hosts share; owned by the Backend.
struct HostServices {
    Triggers& triggers;
    Ipc& ipc;
    Xmpp& xmpp;
    reactor::Reactor& reactor;
    std::function<Plugin*(const std::string&)> find_plugin;
    std::function<nlohmann::json(const std::string&)> plugin_settings;
    pubsub::PubsubStore& pubsub_store;
    roster::RosterStore& roster_store;
    streams::StreamStore& stream_store;
};

// Reactor thread only.
class PluginContext final : public Host {
public:
    PluginContext(HostServices& services, std::string plugin_name);
    ~PluginContext() override;
    PluginContext(const PluginContext&) = delete;
    PluginContext& operator=(const PluginContext&) = delete;

    Triggers& triggers() override { return triggers_; }
    Ipc& ipc() override { return scoped_ipc_; }
    Xmpp& xmpp() override { return scoped_xmpp_; }
    pubsub::PubsubStore& pubsub_store() override { return services_.pubsub_store; }
    roster::RosterStore& roster_store() override { return services_.roster_store; }
    streams::StreamStore& stream_store() override { return services_.stream_store; }
    nlohmann::json settings() override { return services_.plugin_settings(name_); }
    spdlog::logger& log() override { return *log_; }
    TimerId add_timer(std::chrono::milliseconds delay, std::function<void()> callback) override;
    void cancel_timer(TimerId id) override;
    Plugin* plugin(const std::string& name) override { return services_.find_plugin(name); }

private:
    HostServices& services_;
    std::string name_;
    ScopedTriggers triggers_;
    ScopedIpc scoped_ipc_;
    ScopedXmpp scoped_xmpp_;
    std::shared_ptr<spdlog::logger> log_;
    std::unordered_set<TimerId> timers_;  // pending, cancelled when the plugin goes
};

}  // namespace roost::core

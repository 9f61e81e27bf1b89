// SPDX-License-Identifier: MIT
// TestBackend: the daemon's core without config, database file, socket or network,
// for tests that start plugins: the real reactor, triggers, pubsub store (in memory)
// and plugin hosts (PluginContext); IPC is kept in memory, XMPP is a FakeXmpp.
#pragma once

#include "src/core/PluginContext.hpp"
#include "src/core/PluginHost.hpp"
#include "src/core/TriggerManager.hpp"
#include "src/reactor/Reactor.hpp"
#include "src/storage/Database.hpp"
#include "src/storage/SqlitePubsubStore.hpp"
#include "src/storage/SqliteRosterStore.hpp"
#include "src/storage/SqliteStreamStore.hpp"
#include "tests/support/FakeXmpp.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace roost::test {

// What a method answered, once it has.
struct RecordedReply final : RpcReply {
    void result(nlohmann::json value) override {
        if (!answered()) answer = std::move(value);
    }
    void error(RpcError error) override {
        if (!answered()) failure = std::move(error);
    }
    void set_subscription(const std::string& topic, bool subscribed) override {
        if (subscribed)
            topics.insert(topic);
        else
            topics.erase(topic);
    }
    bool answered() const { return answer || failure; }

    std::set<std::string> topics;  // what set_subscription left subscribed
    std::optional<nlohmann::json> answer;
    std::optional<RpcError> failure;
};

// Methods by name, and every notification in the order sent.
class TestIpc final : public Ipc {
public:
    void add_method(const std::string& name, RpcMethod method) override;
    void remove_method(const std::string& name) override { methods_.erase(name); }
    void notify(const std::string& topic, const nlohmann::json& data) override;

    bool has_method(const std::string& name) const { return methods_.contains(name); }
    // Calls a method as a client would; an error thrown by it is its answer.
    std::shared_ptr<RecordedReply> call(const std::string& name, const nlohmann::json& params);
    // The data of every notification on `topic`, oldest first.
    std::vector<nlohmann::json> sent(const std::string& topic) const;

private:
    std::map<std::string, RpcMethod> methods_;
    std::vector<std::pair<std::string, nlohmann::json>> notifications_;
};

// Members in Backend's order: the plugin host comes last, so it stops the plugins
// while everything they use is still whole.
class TestBackend {
public:
    TestBackend();
    // As the daemon stops: connections first, so that pending requests fail into
    // plugin callbacks while the plugins' libraries are still loaded.
    ~TestBackend();
    TestBackend(const TestBackend&) = delete;
    TestBackend& operator=(const TestBackend&) = delete;

    reactor::Reactor reactor;
    storage::Database database;
    storage::SqlitePubsubStore pubsub_store;
    storage::SqliteRosterStore roster_store;
    storage::SqliteStreamStore stream_store;
    core::TriggerManager triggers;
    TestIpc ipc;
    FakeXmpp xmpp{reactor};
    // Each plugin's [plugins.<name>] table; {} for the others.
    std::map<std::string, nlohmann::json> settings;
    core::HostServices services;
    core::PluginHost plugins;

    // Copies the built plugins `names` into `directory`, loads and starts them; fails
    // the test unless every one started.
    void start_built_plugins(const std::filesystem::path& directory,
                             const std::vector<std::string>& names);
};

// Copies the built plugin `name` (<builddir>/plugins/<name>/<name>.so) into `directory`.
void install_built_plugin(const std::filesystem::path& directory, const std::string& name);

}  // namespace roost::test

// TestBackend: the daemon's core without config, database file, socket or network,
// for tests that start plugins: the real reactor, triggers, pubsub store (in memory)
// and plugin hosts (PluginContext); IPC and XMPP are kept in memory.
#pragma once

#include "src/core/PluginContext.hpp"
#include "src/core/PluginHost.hpp"
#include "src/core/TriggerManager.hpp"
#include "src/reactor/Reactor.hpp"
#include "src/storage/Database.hpp"
#include "src/storage/SqlitePubsubStore.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace roost::test {

// Methods by name, and every notification in the order sent.
class TestIpc final : public Ipc {
public:
    void add_method(const std::string& name, RpcMethod method) override;
    void remove_method(const std::string& name) override { methods_.erase(name); }
    void notify(const std::string& topic, const nlohmann::json& data) override;

    bool has_method(const std::string& name) const { return methods_.contains(name); }
    // The data of every notification on `topic`, oldest first.
    std::vector<nlohmann::json> sent(const std::string& topic) const;

private:
    std::map<std::string, RpcMethod> methods_;
    std::vector<std::pair<std::string, nlohmann::json>> notifications_;
};

// No accounts: handlers and announced features are only kept.
class TestXmpp final : public Xmpp {
public:
    XmppClient* client(const std::string&) override { return nullptr; }
    std::vector<XmppClient*> clients() override { return {}; }
    std::vector<std::string> profiles() override { return {}; }
    XmppHandlerId on_message(MessageHandler handler) override;
    XmppHandlerId on_connection(ConnectionHandler handler) override;
    void remove_handler(XmppHandlerId id) override;
    void add_feature(const std::string& feature) override { features.insert(feature); }

    std::size_t handler_count() const { return on_message_.size() + on_connection_.size(); }
    std::set<std::string> features;

private:
    XmppHandlerId next_id_ = 1;
    std::map<XmppHandlerId, MessageHandler> on_message_;
    std::map<XmppHandlerId, ConnectionHandler> on_connection_;
};

// Members in Backend's order: the plugin host comes last, so it stops the plugins
// while everything they use is still whole.
class TestBackend {
public:
    TestBackend();
    TestBackend(const TestBackend&) = delete;
    TestBackend& operator=(const TestBackend&) = delete;

    reactor::Reactor reactor;
    storage::Database database;
    storage::SqlitePubsubStore pubsub_store;
    core::TriggerManager triggers;
    TestIpc ipc;
    TestXmpp xmpp;
    // Each plugin's [plugins.<name>] table; {} for the others.
    std::map<std::string, nlohmann::json> settings;
    core::HostServices services;
    core::PluginHost plugins;
};

}  // namespace roost::test

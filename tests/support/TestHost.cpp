// SPDX-License-Identifier: MIT
// TestBackend: wiring the real services the way Backend does, minus the files.
#include "tests/support/TestHost.hpp"

#include "src/storage/Migrator.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>

namespace roost::test {
namespace {

storage::Database& migrated(storage::Database& db) {
    auto migrations = storage::MigrationSet::embedded();
    storage::Migrator migrator(db, migrations);
    migrator.run(migrator.plan_upgrade());
    return db;
}

}  // namespace

void TestIpc::add_method(const std::string& name, RpcMethod method) {
    if (!methods_.emplace(name, std::move(method)).second)
        throw std::invalid_argument("IPC method " + name + " is taken");
}

void TestIpc::notify(const std::string& topic, const nlohmann::json& data) {
    notifications_.emplace_back(topic, data);
}

std::shared_ptr<RecordedReply> TestIpc::call(const std::string& name,
                                             const nlohmann::json& params) {
    auto reply = std::make_shared<RecordedReply>();
    try {
        methods_.at(name)(params, reply);
    } catch (const RpcError& error) {
        reply->error(error);
    }
    return reply;
}

std::vector<nlohmann::json> TestIpc::sent(const std::string& topic) const {
    std::vector<nlohmann::json> out;
    for (const auto& [sent_topic, data] : notifications_) {
        if (sent_topic == topic) out.push_back(data);
    }
    return out;
}

TestBackend::TestBackend()
    : database(std::string(storage::Database::kInMemory)),
      pubsub_store(migrated(database)),
      roster_store(database),
      stream_store(database),
      services{triggers,
               ipc,
               xmpp,
               reactor,
               [this](const std::string& name) { return plugins.find(name); },
               [this](const std::string& name) {
                   auto it = settings.find(name);
                   return it == settings.end() ? nlohmann::json::object() : it->second;
               },
               pubsub_store,
               roster_store,
               stream_store},
      plugins([this](const std::string& name) {
          return std::make_unique<core::PluginContext>(services, name);
      }) {}

TestBackend::~TestBackend() {
    xmpp.close_all();
    plugins.stop();
}

void TestBackend::start_built_plugins(const std::filesystem::path& directory,
                                      const std::vector<std::string>& names) {
    for (const auto& name : names) install_built_plugin(directory, name);
    plugins.load({directory});
    plugins.start();
    for (const auto& plugin : plugins.plugins()) {
        INFO(plugin.name, ": ", plugin.reason);
        REQUIRE(plugin.state == core::PluginState::Started);
    }
}

void install_built_plugin(const std::filesystem::path& directory, const std::string& name) {
    std::filesystem::create_directories(directory);
    auto built = build_dir() / "plugins" / name / (name + ".so");
    std::filesystem::copy_file(built, directory / built.filename());
}

}  // namespace roost::test

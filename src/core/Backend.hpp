// SPDX-License-Identifier: MIT
// Backend: the daemon's core. Owns the config, the database (locked and migrated),
// the trigger manager, the IPC server, the XMPP clients and the plugins.
#pragma once

#include "src/common/XdgPaths.hpp"
#include "src/core/Clients.hpp"
#include "src/core/Config.hpp"
#include "src/core/PluginContext.hpp"
#include "src/core/PluginHost.hpp"
#include "src/core/TriggerManager.hpp"
#include "src/core/WalTrim.hpp"
#include "src/ipc/IpcServer.hpp"
#include "src/reactor/Reactor.hpp"
#include "src/storage/Database.hpp"
#include "src/storage/DatabaseLock.hpp"
#include "src/storage/SqlitePubsubStore.hpp"
#include "src/storage/SqliteRosterStore.hpp"
#include "src/storage/SqliteStreamStore.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace roost::core {

struct BackendOptions {
    common::XdgPaths paths;
    // Searched first to last, before the config's plugin_dirs.
    std::vector<std::filesystem::path> builtin_plugin_dirs;
};

// Why the database cannot be used, as Backend's constructor reports it: roostd tells
// these apart (its exit codes) without reaching into the storage layer.
class AlreadyRunning : public std::runtime_error {  // another roostd holds the lock
public:
    using std::runtime_error::runtime_error;
};

class DatabaseUnusable : public std::runtime_error {  // too new, corrupt, a failed migration
public:
    using std::runtime_error::runtime_error;
};

// Reactor thread only. Member order is start order; destruction undoes it.
class Backend {
public:
    // Takes the database lock (throws AlreadyRunning when another roostd runs),
    // migrates the database after a backup (DatabaseUnusable when it cannot), and
    // listens on the socket.
    Backend(reactor::Reactor& reactor, Config config, BackendOptions options);
    ~Backend();
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    // Loads and starts the plugins, then connects the autoconnect profiles.
    void start();
    // Stops the plugins (in reverse order) and closes the connections; idempotent.
    void stop();

    reactor::Reactor& reactor() { return reactor_; }
    const Config& config() const { return config_; }
    const BackendOptions& options() const { return options_; }
    storage::Database& database() { return database_; }
    storage::SqlitePubsubStore& pubsub_store() { return pubsub_store_; }
    int schema_version() const { return schema_version_; }
    ipc::IpcServer& ipc() { return ipc_; }
    Clients& clients() { return clients_; }
    PluginHost& plugins() { return plugins_; }
    std::chrono::steady_clock::duration uptime() const {
        return std::chrono::steady_clock::now() - started_at_;
    }

private:
    reactor::Reactor& reactor_;
    Config config_;
    BackendOptions options_;
    std::chrono::steady_clock::time_point started_at_;
    storage::DatabaseLock lock_;
    storage::Database database_;
    int schema_version_;
    storage::SqlitePubsubStore pubsub_store_;
    storage::SqliteRosterStore roster_store_;
    storage::SqliteStreamStore stream_store_;
    WalTrim wal_trim_;
    TriggerManager triggers_;
    ipc::IpcServer ipc_;
    Clients clients_;
    HostServices services_;
    PluginHost plugins_;
    bool stopped_ = false;
};

}  // namespace roost::core

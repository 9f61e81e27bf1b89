// SPDX-License-Identifier: MIT
// Backend: bringing the core up in order, and down in reverse.
#include "src/core/Backend.hpp"

#include "src/core/CoreMethods.hpp"
#include "src/storage/Backup.hpp"
#include "src/storage/Migrator.hpp"

#include <spdlog/spdlog.h>

namespace roost::core {
namespace {

std::filesystem::path prepared(const std::filesystem::path& database) {
    std::filesystem::create_directories(database.parent_path());
    return database;
}

int migrate(storage::Database& db) {
    auto migrations = storage::MigrationSet::embedded();
    storage::Migrator migrator(db, migrations);
    auto steps = migrator.plan_upgrade();  // throws MigrationRefused for a newer database
    if (auto backup = storage::migrate_with_backup(db, migrator, steps))
        spdlog::info("database backed up to {} before migrating", backup->string());
    for (const auto& step : steps) spdlog::info("database: applied {}", step.migration->label());
    return migrator.current_version();
}

}  // namespace

// A function-try-block: the storage errors of the member initialisers become the
// core's own. (clang-format 14 mangles function-try-blocks.)
// clang-format off
Backend::Backend(reactor::Reactor& reactor, Config config, BackendOptions options) try
    : reactor_(reactor),
      config_(std::move(config)),
      options_(std::move(options)),
      started_at_(std::chrono::steady_clock::now()),
      lock_(prepared(options_.paths.database())),
      database_(options_.paths.database()),
      schema_version_(migrate(database_)),
      pubsub_store_(database_),
      roster_store_(database_),
      stream_store_(database_),
      wal_trim_(reactor_, database_),
      ipc_(reactor_, options_.paths.socket()),
      clients_(reactor_, config_.profiles),
      services_{triggers_, ipc_, clients_, reactor_,
                [this](const std::string& name) { return plugins_.find(name); },
                [this](const std::string& name) { return config_.plugin_settings(name); },
                pubsub_store_, roster_store_, stream_store_},
      plugins_([this](const std::string& name) {
          return std::make_unique<PluginContext>(services_, name);
      }) {
    register_core_methods(*this);
}
catch (const storage::DatabaseLocked& e) {
    throw AlreadyRunning(e.what());
}
catch (const storage::MigrationError& e) {
    throw DatabaseUnusable(e.what());
}
catch (const storage::DatabaseError& e) {
    throw DatabaseUnusable(e.what());
}
// clang-format on

Backend::~Backend() { stop(); }

void Backend::start() {
    std::vector<std::filesystem::path> directories = options_.builtin_plugin_dirs;
    directories.insert(directories.end(), config_.plugin_dirs.begin(), config_.plugin_dirs.end());
    plugins_.load(directories);
    plugins_.start();  // logs each plugin's outcome
    clients_.connect_autoconnect_profiles();
}

void Backend::stop() {
    if (stopped_) return;
    stopped_ = true;
    // Connections first: pending requests fail into plugin callbacks while the
    // plugins' libraries are still loaded.
    clients_.close_all();
    plugins_.stop();
}

}  // namespace roost::core

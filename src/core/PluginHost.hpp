// SPDX-License-Identifier: MIT
// PluginHost: finds the plugins (shared modules exporting a roost::PluginDescriptor),
// loads, orders, starts and stops them, and remembers why any of them failed.
#pragma once

#include "roost/Host.hpp"
#include "roost/Plugin.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace roost::core {

enum class PluginState { Loaded, Started, Failed, Stopped };

std::string_view to_string(PluginState state);

// One line of `roost plugins`.
struct PluginInfo {
    std::string name;  // the descriptor's, or the file's stem when it has no usable one
    std::string version;
    std::filesystem::path path;
    PluginState state = PluginState::Loaded;
    std::string reason;  // one line on why it failed or misbehaved; empty otherwise
};

// Makes the Host one plugin is started with. The PluginHost keeps it until that
// plugin has been stopped and destroyed, then destroys it: a good place to undo
// whatever the plugin registered and forgot.
using HostFactory = std::function<std::unique_ptr<Host>(const std::string& plugin_name)>;

// A plugin that fails (cannot be loaded, ABI mismatch, missing or failed or circular
// dependency, throws in start) is recorded with the reason and skipped; the others go
// on. Reactor thread only.
class PluginHost {
public:
    explicit PluginHost(HostFactory make_host);
    ~PluginHost();  // stop()
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    // Loads every `*.so` of each directory in turn, in file name order; a missing
    // directory is skipped. The first plugin found with a name wins: list the
    // directories that should override others first. Before start() only.
    void load(const std::vector<std::filesystem::path>& directories);
    // Creates and starts the loaded plugins, each after its dependencies and after its
    // recommendations that are there. Once; throws std::logic_error the second time.
    void start();
    // Stops the started plugins in reverse start order, then destroys them, their
    // hosts, and unloads the libraries. Idempotent; exceptions are logged, not thrown.
    void stop() noexcept;

    // Every plugin file found, in the order found.
    std::vector<PluginInfo> plugins() const;
    // A started plugin by name, or nullptr; what Host::plugin() answers.
    Plugin* find(std::string_view name) const;

private:
    struct Record;

    void load_file(const std::filesystem::path& path);
    bool check_dependencies(Record& record, std::vector<Record*>& path);
    void fail_cycle(const std::vector<Record*>& path, const Record& closing);
    std::vector<Record*> start_order() const;
    void start_one(Record& record);
    void stop_one(Record& record) noexcept;
    Record* named(std::string_view name) const;

    HostFactory make_host_;
    std::vector<std::unique_ptr<Record>> records_;  // in the order found
    std::unordered_map<std::string, Record*> by_name_;
    std::vector<Record*> started_;  // in start order
    bool start_called_ = false;
};

}  // namespace roost::core

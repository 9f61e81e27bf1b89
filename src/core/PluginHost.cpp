// SPDX-License-Identifier: MIT
// PluginHost: discovery, descriptor checks, dependency resolution (depth-first, to
// name cycles) and start order (dependencies first, recommendations when possible).
#include "src/core/PluginHost.hpp"

#include "src/core/PluginElf.hpp"
#include "src/core/SharedLibrary.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <stdexcept>
#include <system_error>

namespace roost::core {
namespace {

struct PluginDeleter {
    void (*destroy)(Plugin*) = nullptr;
    void operator()(Plugin* plugin) const { destroy(plugin); }
};

std::vector<std::string> names(const char* const* list) {
    std::vector<std::string> out;
    for (; list && *list; ++list) out.emplace_back(*list);
    return out;
}

std::vector<std::filesystem::path> plugin_files(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        if (entry.path().extension() == ".so" && entry.is_regular_file(error))
            files.push_back(entry.path());
    }
    if (error) spdlog::warn("plugin directory {}: {}", directory.string(), error.message());
    std::sort(files.begin(), files.end());
    return files;
}

std::string not_a_plugin() {
    return std::string("not a Roost plugin: no ") + kPluginDescriptorSymbol + " symbol";
}

std::string wrong_abi(int abi_version) {
    return "built for SDK ABI " + std::to_string(abi_version) + ", this roostd has " +
           std::to_string(kSdkAbiVersion) + ": rebuild it against this Roost's headers";
}

std::string what(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "non-standard exception";
    }
}

}  // namespace

std::string_view to_string(PluginState state) {
    switch (state) {
        case PluginState::Loaded: return "loaded";
        case PluginState::Started: return "started";
        case PluginState::Failed: return "failed";
        case PluginState::Stopped: return "stopped";
    }
    return "unknown";
}

struct PluginHost::Record {
    enum class Check { Unchecked, Checking, Checked };

    PluginInfo info;
    std::optional<SharedLibrary> library;
    const PluginDescriptor* descriptor = nullptr;
    std::vector<std::string> dependencies;
    std::vector<std::string> recommendations;
    Check check = Check::Unchecked;
    // Declared after the library and before the instance: destroyed in the other order.
    std::unique_ptr<Host> host;
    std::unique_ptr<Plugin, PluginDeleter> instance;

    bool failed() const { return info.state == PluginState::Failed; }
    // Keeps the first reason: the root cause, not its echoes.
    void fail(std::string reason) {
        if (failed()) return;
        spdlog::warn("plugin {} ({}) failed: {}", info.name, info.path.string(), reason);
        info.state = PluginState::Failed;
        info.reason = std::move(reason);
    }
};

PluginHost::PluginHost(HostFactory make_host) : make_host_(std::move(make_host)) {}

PluginHost::~PluginHost() { stop(); }

void PluginHost::load(const std::vector<std::filesystem::path>& directories) {
    if (start_called_) throw std::logic_error("PluginHost::load called after start");
    for (const auto& directory : directories) {
        std::error_code error;
        if (!std::filesystem::is_directory(directory, error)) {
            spdlog::debug("plugin directory {} not found, skipped", directory.string());
            continue;
        }
        for (const auto& file : plugin_files(directory)) load_file(file);
    }
}

void PluginHost::load_file(const std::filesystem::path& path) {
    auto& record = *records_.emplace_back(std::make_unique<Record>());
    record.info.path = path;
    record.info.name = path.stem().string();
    // Read from the file before dlopen(), which runs the library's static constructors:
    // of a file that is no plugin, or one built for another SDK ABI, nothing runs.
    auto peek = peek_descriptor(path, kPluginDescriptorSymbol);
    if (peek.kind == DescriptorPeek::Kind::NoDescriptor) return record.fail(not_a_plugin());
    if (peek.kind == DescriptorPeek::Kind::Found && peek.abi_version != kSdkAbiVersion)
        return record.fail(wrong_abi(peek.abi_version));
    try {
        record.library.emplace(path);
    } catch (const SharedLibraryError& error) {
        return record.fail(std::string("cannot load: ") + error.what());
    }
    const auto* descriptor =
        static_cast<const PluginDescriptor*>(record.library->symbol(kPluginDescriptorSymbol));
    // Only abi_version may be read before it matches: the rest may be laid out otherwise.
    // Checked again for a file peek_descriptor() could not read.
    if (!descriptor) {
        record.fail(not_a_plugin());
    } else if (descriptor->abi_version != kSdkAbiVersion) {
        record.fail(wrong_abi(descriptor->abi_version));
    } else if (!descriptor->name || !*descriptor->name || !descriptor->create ||
               !descriptor->destroy) {
        record.fail("incomplete descriptor: a name, create and destroy are required");
    } else if (Record* first = named(descriptor->name)) {
        record.info.name = descriptor->name;
        record.fail("duplicate name: already loaded from " + first->info.path.string());
    }
    if (record.failed()) {
        record.library.reset();
        return;
    }

    record.descriptor = descriptor;
    record.info.name = descriptor->name;
    record.info.version = descriptor->version ? descriptor->version : "";
    record.dependencies = names(descriptor->dependencies);
    record.recommendations = names(descriptor->recommendations);
    by_name_.emplace(record.info.name, &record);
}

void PluginHost::start() {
    if (start_called_) throw std::logic_error("PluginHost::start called twice");
    start_called_ = true;
    std::vector<Record*> path;
    for (const auto& record : records_) {
        if (!record->failed()) check_dependencies(*record, path);
    }
    for (Record* record : start_order()) start_one(*record);
}

// Depth-first along dependencies; `path` holds the plugins being checked, so meeting
// one of them again closes a cycle.
bool PluginHost::check_dependencies(Record& record, std::vector<Record*>& path) {
    if (record.check == Record::Check::Checked) return !record.failed();
    record.check = Record::Check::Checking;
    path.push_back(&record);
    for (const auto& name : record.dependencies) {
        if (record.failed()) break;  // a cycle found further down went through it
        Record* dependency = named(name);
        if (!dependency) {
            record.fail("missing dependency '" + name + "'");
        } else if (dependency->check == Record::Check::Checking) {
            fail_cycle(path, *dependency);
        } else if (!check_dependencies(*dependency, path)) {
            record.fail("dependency '" + name + "' failed");
        }
    }
    path.pop_back();
    record.check = Record::Check::Checked;
    return !record.failed();
}

void PluginHost::fail_cycle(const std::vector<Record*>& path, const Record& closing) {
    auto first = std::find(path.begin(), path.end(), &closing);
    std::string cycle;
    for (auto it = first; it != path.end(); ++it) cycle += (*it)->info.name + " -> ";
    cycle += closing.info.name;
    for (auto it = first; it != path.end(); ++it) (*it)->fail("dependency cycle: " + cycle);
}

// Repeatedly takes the first plugin found whose dependencies and present
// recommendations are all placed; when only recommendations form a cycle, the first
// plugin whose dependencies are placed breaks it.
std::vector<PluginHost::Record*> PluginHost::start_order() const {
    std::vector<Record*> pending;
    for (const auto& record : records_) {
        if (!record->failed()) pending.push_back(record.get());
    }
    auto is_pending = [&](const std::string& name) {
        return std::any_of(pending.begin(), pending.end(),
                           [&](const Record* other) { return other->info.name == name; });
    };
    auto ready = [&](const std::vector<std::string>& names) {
        return std::none_of(names.begin(), names.end(), is_pending);
    };
    std::vector<Record*> order;
    while (!pending.empty()) {
        auto next = std::find_if(pending.begin(), pending.end(), [&](const Record* record) {
            return ready(record->dependencies) && ready(record->recommendations);
        });
        if (next == pending.end()) {
            next = std::find_if(pending.begin(), pending.end(),
                                [&](const Record* record) { return ready(record->dependencies); });
        }
        // Dependencies were checked acyclic, so some plugin is always ready.
        if (next == pending.end()) next = pending.begin();
        order.push_back(*next);
        pending.erase(next);
    }
    return order;
}

void PluginHost::start_one(Record& record) {
    for (const auto& name : record.dependencies) {
        if (!find(name)) return record.fail("dependency '" + name + "' failed");
    }
    try {
        record.host = make_host_(record.info.name);
        record.instance = {record.descriptor->create(), PluginDeleter{record.descriptor->destroy}};
        record.instance->start(*record.host);
    } catch (...) {
        // The library stays loaded until stop(): whatever the plugin registered before
        // throwing may still point into it.
        record.instance.reset();
        record.host.reset();
        return record.fail("start failed: " + what(std::current_exception()));
    }
    record.info.state = PluginState::Started;
    started_.push_back(&record);
    spdlog::info("plugin {} {} started", record.info.name, record.info.version);
}

void PluginHost::stop() noexcept {
    for (auto it = started_.rbegin(); it != started_.rend(); ++it) stop_one(**it);
    // Instances, then hosts, then libraries: a plugin's destructor may still use its
    // host, and what one plugin left behind may point into another's library.
    for (auto it = started_.rbegin(); it != started_.rend(); ++it) (*it)->instance.reset();
    for (auto it = started_.rbegin(); it != started_.rend(); ++it) (*it)->host.reset();
    started_.clear();
    for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
        (*it)->descriptor = nullptr;
        (*it)->library.reset();
    }
}

void PluginHost::stop_one(Record& record) noexcept {
    try {
        record.instance->stop();
    } catch (...) {
        record.info.reason = "stop failed: " + what(std::current_exception());
        spdlog::warn("plugin {}: {}", record.info.name, record.info.reason);
    }
    record.info.state = PluginState::Stopped;
}

std::vector<PluginInfo> PluginHost::plugins() const {
    std::vector<PluginInfo> out;
    out.reserve(records_.size());
    for (const auto& record : records_) out.push_back(record->info);
    return out;
}

Plugin* PluginHost::find(std::string_view name) const {
    Record* record = named(name);
    return record && record->info.state == PluginState::Started ? record->instance.get() : nullptr;
}

PluginHost::Record* PluginHost::named(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace roost::core

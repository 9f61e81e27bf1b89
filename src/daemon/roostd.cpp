// SPDX-License-Identifier: MIT
// roostd: the per-user Roost daemon. Runs in the foreground until SIGTERM/SIGINT
// or `roost stop`; see doc/roostd.md.
#include "src/core/Backend.hpp"
#include "src/daemon/Systemd.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <iostream>

namespace {

using namespace roost;
namespace fs = std::filesystem;

enum Exit : int {
    kOk = 0,
    kFailed = 1,  // could not start (see the message)
    kUsage = 2,
    kAlreadyRunning = 3,  // another roostd holds the database
    kBadConfig = 4,
    kBadDatabase = 5,  // too new, corrupt, an edited migration, or a failed one
};

reactor::Reactor* g_reactor = nullptr;

extern "C" void on_stop_signal(int) {
    if (g_reactor) g_reactor->request_stop();  // async-signal-safe
}

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a client that leaves mid-answer is not fatal
}

// An installed roostd must not load the plugins of a build tree that happens to be
// there (an install test runs beside one): only a roostd in the build tree does.
bool running_from_build_tree() {
    std::error_code error;
    std::string self = fs::read_symlink("/proc/self/exe", error).string();
    std::string root = fs::path(ROOST_BUILD_PLUGIN_DIR).parent_path().string() + "/";
    return !error && self.compare(0, root.size(), root) == 0;
}

std::vector<fs::path> builtin_plugin_dirs() {
    std::vector<fs::path> dirs;
    // During development the build tree's plugins (one directory each) come first;
    // installed, $libdir's.
    if (running_from_build_tree() && fs::is_directory(ROOST_BUILD_PLUGIN_DIR))
        for (const auto& entry : fs::directory_iterator(ROOST_BUILD_PLUGIN_DIR))
            if (entry.is_directory()) dirs.push_back(entry.path());
    std::sort(dirs.begin(), dirs.end());
    dirs.emplace_back(ROOST_INSTALL_PLUGIN_DIR);
    return dirs;
}

int run(const fs::path& config_file, bool explicit_config, const std::string& log_level) {
    core::BackendOptions options{.paths = common::XdgPaths::from_environment(),
                                 .builtin_plugin_dirs = builtin_plugin_dirs()};
    core::Config config;
    try {
        fs::path path = explicit_config ? config_file : options.paths.config_file();
        config = explicit_config ? core::Config::load(path) : core::Config::load_or_default(path);
    } catch (const core::ConfigError& e) {
        std::cerr << "roostd: " << e.what() << "\n";
        return kBadConfig;
    }
    spdlog::set_level(log_level.empty() ? config.log_level : spdlog::level::from_str(log_level));

    reactor::Reactor reactor;
    std::unique_ptr<core::Backend> backend;
    try {
        backend = std::make_unique<core::Backend>(reactor, std::move(config), options);
    } catch (const core::AlreadyRunning& e) {
        std::cerr << "roostd: already running: " << e.what() << "\n";
        return kAlreadyRunning;
    } catch (const core::DatabaseUnusable& e) {
        std::cerr << "roostd: " << e.what() << "\n";
        return kBadDatabase;
    }
    g_reactor = &reactor;
    install_signal_handlers();
    backend->start();
    spdlog::info("roostd {} ready on {}", ROOST_VERSION, backend->ipc().socket_path().string());
    daemon::notify_ready();
    reactor.run();
    daemon::notify_stopping();
    spdlog::info("roostd stopping");
    backend.reset();  // plugins stopped, connections closed, socket removed, database closed
    g_reactor = nullptr;
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"roostd: the Roost XMPP backend daemon (runs in the foreground)"};
    fs::path config_file;
    std::string log_level;
    app.add_option("--config", config_file,
                   "config file (default: $XDG_CONFIG_HOME/roost/roost.toml)");
    app.add_option("--log-level", log_level,
                   "trace, debug, info, warn, error (overrides the config)")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
    app.set_version_flag("--version", ROOST_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kOk : kUsage;
    }
    try {
        return run(config_file, !config_file.empty(), log_level);
    } catch (const std::exception& e) {
        std::cerr << "roostd: " << e.what() << "\n";
        return kFailed;
    }
}

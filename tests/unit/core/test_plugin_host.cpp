// SPDX-License-Identifier: MIT
#include "src/core/PluginHost.hpp"
#include "tests/support/RunUntil.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestHost.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

using namespace roost;
using roost::core::PluginInfo;
using roost::core::PluginState;
using roost::test::TempDir;
using roost::test::TestBackend;

namespace {

using Names = std::vector<std::string>;

// A directory holding copies of the named test plugins (built in tests/plugins/).
void install(const std::filesystem::path& directory, std::initializer_list<const char*> names) {
    std::filesystem::create_directories(directory);
    for (const char* name : names) {
        std::string file = std::string(name) + ".so";
        std::filesystem::copy_file(roost::test::build_dir() / "tests" / "plugins" / file,
                                   directory / file);
    }
}

PluginInfo info(const TestBackend& backend, const std::string& name) {
    for (const auto& plugin : backend.plugins.plugins()) {
        if (plugin.name == name) return plugin;
    }
    FAIL("no plugin named " << name);
    return {};
}

// The plugins that reported `event` ("start", "stop", "ping"), in order.
Names reported(const TestBackend& backend, const std::string& event) {
    Names out;
    for (const auto& data : backend.ipc.sent("lifecycle")) {
        if (data["event"] == event) out.push_back(data["plugin"]);
    }
    return out;
}

struct Ping : TriggerContext {};

}  // namespace

TEST_CASE("plugins start after their dependencies and recommendations and stop in reverse") {
    TempDir dir;
    install(dir.path(), {"dependent", "eager", "good"});
    TestBackend backend;
    backend.plugins.load({dir.path()});
    for (const auto& plugin : backend.plugins.plugins()) CHECK(plugin.state == PluginState::Loaded);

    backend.plugins.start();
    CHECK(reported(backend, "start") == Names{"good", "dependent", "eager"});
    CHECK(info(backend, "eager").state == PluginState::Started);
    CHECK(info(backend, "eager").reason.empty());
    CHECK(backend.plugins.find("good") != nullptr);
    CHECK(backend.plugins.find("absent_plugin") == nullptr);

    backend.plugins.stop();
    CHECK(reported(backend, "stop") == Names{"eager", "dependent", "good"});
    for (const auto& plugin : backend.plugins.plugins())
        CHECK(plugin.state == PluginState::Stopped);
    CHECK(backend.plugins.find("good") == nullptr);
}

TEST_CASE("plugins() reports each plugin's name, version and path") {
    TempDir dir;
    install(dir.path(), {"dependent", "good"});
    TestBackend backend;
    backend.plugins.load({dir.path()});
    auto plugins = backend.plugins.plugins();
    REQUIRE(plugins.size() == 2);
    CHECK(plugins[0].name == "dependent");
    CHECK(plugins[0].version == "2.1");
    CHECK(plugins[0].path == dir / "dependent.so");
    CHECK(plugins[1].name == "good");
    CHECK(plugins[1].version == "1.0");
    CHECK(core::to_string(plugins[1].state) == "loaded");
}

TEST_CASE("a started plugin's trigger handlers answer dispatches until it stops") {
    TempDir dir;
    install(dir.path(), {"good"});
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();

    Ping ping;
    bool proceeded = false;
    backend.triggers.dispatch("test.ping", ping, [&] { proceeded = true; });
    CHECK(reported(backend, "ping") == Names{"good"});
    CHECK_FALSE(proceeded);

    // "test.later" answers through a host timer, in a later reactor iteration.
    backend.triggers.dispatch("test.later", ping, [&] { proceeded = true; });
    CHECK_FALSE(proceeded);
    CHECK(roost::test::run_until(
        backend.reactor, [&] { return proceeded; }, std::chrono::seconds(5)));

    backend.plugins.stop();
    CHECK(backend.triggers.handler_count("test.ping") == 0);
    CHECK(backend.triggers.handler_count("test.later") == 0);
}

TEST_CASE("a plugin with a missing dependency fails and the others start") {
    TempDir dir;
    install(dir.path(), {"good", "missing_dependency"});
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();
    auto missing = info(backend, "missing_dependency");
    CHECK(missing.state == PluginState::Failed);
    CHECK(missing.reason == "missing dependency 'absent_plugin'");
    CHECK(info(backend, "good").state == PluginState::Started);
    CHECK(reported(backend, "start") == Names{"good"});
}

TEST_CASE("every plugin of a dependency cycle fails with the cycle named") {
    TempDir dir;
    install(dir.path(), {"cycle_a", "cycle_b", "good"});
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();
    for (const char* name : {"cycle_a", "cycle_b"}) {
        CAPTURE(name);
        CHECK(info(backend, name).state == PluginState::Failed);
        CHECK(info(backend, name).reason == "dependency cycle: cycle_a -> cycle_b -> cycle_a");
    }
    CHECK(reported(backend, "start") == Names{"good"});
}

TEST_CASE("a plugin built for another SDK ABI is refused before anything of it runs") {
    TempDir dir;
    install(dir.path(), {"good", "wrong_abi"});
    TestBackend backend;
    backend.plugins.load({dir.path()});
    auto wrong = info(backend, "wrong_abi");
    CHECK(wrong.state == PluginState::Failed);
    CHECK(wrong.reason == "built for SDK ABI " + std::to_string(kSdkAbiVersion + 1) +
                              ", this roostd has " + std::to_string(kSdkAbiVersion) +
                              ": rebuild it against this Roost's headers");
    CHECK(std::getenv("ROOST_TEST_WRONG_ABI_LOADED") == nullptr);  // its constructors never ran
    backend.plugins.start();
    CHECK(reported(backend, "start") == Names{"good"});
}

TEST_CASE("a plugin that throws in start fails, so do its dependents, and its handlers go") {
    TempDir dir;
    install(dir.path(), {"good", "needs_thrower", "throws_in_start"});
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();

    auto thrower = info(backend, "throws_in_start");
    CHECK(thrower.state == PluginState::Failed);
    CHECK(thrower.reason == "start failed: no account configured");
    auto dependent = info(backend, "needs_thrower");
    CHECK(dependent.state == PluginState::Failed);
    CHECK(dependent.reason == "dependency 'throws_in_start' failed");
    CHECK(info(backend, "good").state == PluginState::Started);
    CHECK(backend.plugins.find("throws_in_start") == nullptr);

    // Its high-priority handler would take over; it went with its host.
    Ping ping;
    backend.triggers.dispatch("test.ping", ping, [] {});
    CHECK(reported(backend, "ping") == Names{"good"});
}

TEST_CASE("files named .so that are no plugins are reported and skipped") {
    TempDir dir;
    install(dir.path(), {"good", "no_descriptor"});
    roost::test::write_file(dir / "not_a_library.so", "this is not an ELF file\n");
    roost::test::write_file(dir / "README.txt", "ignored: not a .so\n");
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();

    auto plugins = backend.plugins.plugins();
    CHECK(plugins.size() == 3);
    auto junk = info(backend, "not_a_library");
    CHECK(junk.state == PluginState::Failed);
    CHECK(junk.reason.starts_with("cannot load: "));
    CHECK(junk.path == dir / "not_a_library.so");
    auto bare = info(backend, "no_descriptor");
    CHECK(bare.state == PluginState::Failed);
    CHECK(bare.reason == "not a Roost plugin: no roost_plugin_descriptor symbol");
    CHECK(info(backend, "good").state == PluginState::Started);
}

TEST_CASE("the first directory holding a plugin name wins and missing directories are skipped") {
    TempDir dir;
    install(dir / "override", {"good"});
    install(dir / "installed", {"good"});
    TestBackend backend;
    backend.plugins.load({dir / "nowhere", dir / "override", dir / "installed"});
    backend.plugins.start();

    auto plugins = backend.plugins.plugins();
    REQUIRE(plugins.size() == 2);
    CHECK(plugins[0].path == dir / "override" / "good.so");
    CHECK(plugins[0].state == PluginState::Started);
    CHECK(plugins[1].name == "good");
    CHECK(plugins[1].state == PluginState::Failed);
    CHECK(plugins[1].reason ==
          "duplicate name: already loaded from " + (dir / "override" / "good.so").string());
    CHECK(reported(backend, "start") == Names{"good"});
}

TEST_CASE("an exception in a plugin's stop is recorded and the others still stop") {
    TempDir dir;
    install(dir.path(), {"good", "throws_in_stop"});
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();
    CHECK(reported(backend, "start") == Names{"good", "throws_in_stop"});

    CHECK_NOTHROW(backend.plugins.stop());
    CHECK(reported(backend, "stop") == Names{"throws_in_stop", "good"});
    auto thrower = info(backend, "throws_in_stop");
    CHECK(thrower.state == PluginState::Stopped);
    CHECK(thrower.reason == "stop failed: socket already closed");
    CHECK_NOTHROW(backend.plugins.stop());
}

TEST_CASE("start runs once and load is refused after it") {
    TempDir dir;
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();
    CHECK(backend.plugins.plugins().empty());
    CHECK_THROWS_AS(backend.plugins.start(), std::logic_error);
    CHECK_THROWS_AS(backend.plugins.load({dir.path()}), std::logic_error);
}

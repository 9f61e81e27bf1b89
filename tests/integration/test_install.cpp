// SPDX-License-Identifier: MIT
// `meson install` as a plugin author meets it: the build installed into a staging
// directory (DESTDIR), the example plugin of examples/geoloc built against that install
// with pkg-config alone, and the installed roostd, with that plugin in its path, caching
// locations from a real server with it.
#include "roost/Plugin.hpp"
#include "tests/support/CacheClient.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/Publisher.hpp"
#include "tests/support/Run.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace roost::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kGeoloc = "http://jabber.org/protocol/geoloc";

// Runs a program found on PATH; it must succeed.
RunResult must_run(std::vector<std::string> argv,
                   const std::map<std::string, std::string>& env = {}) {
    argv.front() = program_on_path(argv.front()).string();
    RunResult result = run(argv, env);
    INFO(argv.front(), " ", (argv.size() > 1 ? argv[1] : ""), ":\n", result.out, result.err);
    REQUIRE(result.exit_code == 0);
    return result;
}

// The file under `root` whose path ends with `tail` ("bin/roostd": not the bash
// completion of the same name).
fs::path find_file(const fs::path& root, const std::string& tail) {
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.path().string().ends_with("/" + tail)) return entry.path();
    FAIL("no " << tail << " under " << root);
    return {};
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string geoloc(const char* lat, const char* lon, const char* locality) {
    return std::string("<geoloc xmlns='") + kGeoloc + "'><lat>" + lat + "</lat><lon>" + lon +
           "</lon><locality>" + locality + "</locality></geoloc>";
}

}  // namespace

TEST_CASE("installed: the SDK, roost-plugin.pc, the programs and plugins; an out-of-tree "
          "plugin built with pkg-config alone is loaded by the installed roostd and used") {
    TempDir stage;
    must_run({"meson", "install", "-C", build_dir().string(), "--destdir", stage.path().string(),
              "--no-rebuild", "--quiet"});

    // What a distribution expects, under the prefix.
    fs::path roostd = find_file(stage.path(), "bin/roostd");
    fs::path bindir = roostd.parent_path();
    CHECK(fs::exists(bindir / "roost"));
    CHECK(fs::exists(bindir / "roost-migrate"));
    fs::path plugin_dir = find_file(stage.path(), "pubsub_cache.so").parent_path();
    for (const char* plugin : {"xep_0060.so", "xep_0277.so", "roster.so"})
        CHECK(fs::exists(plugin_dir / plugin));
    fs::path headers = find_file(stage.path(), "Plugin.hpp").parent_path();
    CHECK(headers.filename() == "roost");
    for (const auto& entry : fs::directory_iterator(source_dir() / "include" / "roost"))
        CHECK_MESSAGE(fs::exists(headers / entry.path().filename()), entry.path().filename());
    for (const char* page : {"man1/roost.1", "man1/roost-migrate.1", "man5/roost.toml.5",
                             "man8/roostd.8", "completions/roost", "doc/roost/roster.md"})
        CHECK_MESSAGE(fs::exists(find_file(stage.path(), page)), page);
    std::string unit = read_text(find_file(stage.path(), "roostd.service"));
    std::string installed_roostd = "/" + fs::relative(roostd, stage.path()).string();
    CHECK(unit.find("ExecStart=" + installed_roostd + "\n") != std::string::npos);

    // pkg-config finds the staged SDK (its sysroot is the stage).
    fs::path pc = find_file(stage.path(), "roost-plugin.pc");
    std::map<std::string, std::string> pkg_env = {
        {"PKG_CONFIG_PATH", pc.parent_path().string()},
        {"PKG_CONFIG_SYSROOT_DIR", stage.path().string()}};
    std::string cflags = must_run({"pkg-config", "--cflags", "roost-plugin"}, pkg_env).out;
    CHECK(cflags.find("-I" + headers.parent_path().string()) != std::string::npos);
    CHECK(must_run({"pkg-config", "--variable=sdk_abi_version", "roost-plugin"}, pkg_env).out ==
          std::to_string(roost::kSdkAbiVersion) + "\n");

    // The example, built against the stage: the compiler sees its headers, not the tree's.
    TempDir example;
    fs::path example_build = example.path() / "build";
    must_run(
        {"meson", "setup", example_build.string(), (source_dir() / "examples" / "geoloc").string()},
        pkg_env);
    must_run({"ninja", "-C", example_build.string()}, pkg_env);
    std::string commands = read_text(example_build / "compile_commands.json");
    CHECK(commands.find(headers.parent_path().string()) != std::string::npos);
    CHECK(commands.find((source_dir() / "include").string()) == std::string::npos);

    // The installed roostd with the installed plugins and the example.
    ProsodyServer server({.users = {"alice", "bob"}, .admins = {"alice"}});
    Publisher alice(server, "alice");
    alice.create_node(server.pubsub_service(), kGeoloc, 100);
    alice.publish_all(
        server.pubsub_service(), kGeoloc,
        {{"venice", geoloc("45.44", "12.33", "Venice")}, {"lyon", geoloc("45.76", "4.84", "Lyon")}},
        1);
    Daemon daemon("plugin_dirs = [\"" + plugin_dir.string() + "\", \"" + example_build.string() +
                      "\"]\n" + profile_toml(server, "bob"),
                  Programs::installed_in(bindir));
    CacheClient roost(daemon);
    REQUIRE(roost.wait_connected(1));
    json plugins = roost.call("plugins", nullptr);
    INFO(plugins.dump());
    for (const char* name : {"xep_0060", "pubsub_cache", "xep_0277", "roster", "geoloc"}) {
        bool started = false;
        for (const auto& plugin : plugins)
            if (plugin["name"] == name) {
                started = plugin["state"] == "started";
                CHECK(plugin["path"].get<std::string>().find(build_dir().string()) ==
                      std::string::npos);
            }
        CHECK_MESSAGE(started, name);
    }

    json target = {{"profile", "bob"}, {"service", server.pubsub_service()}, {"node", kGeoloc}};
    roost.call("pubsub.cache.sync", target);
    json hits;
    for (int attempt = 0; attempt < 200; ++attempt) {
        hits =
            roost.call("pubsub.cache.search", {{"profile", "bob"}, {"query", "type:\"geoloc\""}});
        if (hits["hits"].size() == 2) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(hits["hits"].size() == 2);
    json venice = roost.call("pubsub.cache.search",
                             {{"profile", "bob"}, {"query", "fts:\"venice\" and lat > 45.4"}});
    REQUIRE(venice["hits"].size() == 1);
    CHECK(venice["hits"][0]["parsed"] ==
          json{{"lat", 45.44}, {"lon", 12.33}, {"locality", "Venice"}});
}

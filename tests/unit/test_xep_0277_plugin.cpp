#include "src/core/PluginHost.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestHost.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

using roost::core::PluginState;
using roost::test::TempDir;
using roost::test::TestBackend;

namespace {

constexpr const char* kNotifyFeature = "urn:xmpp:microblog:0+notify";

void install(const std::filesystem::path& directory, const std::filesystem::path& built) {
    std::filesystem::create_directories(directory);
    std::filesystem::copy_file(roost::test::build_dir() / built, directory / built.filename());
}

void install_xep_0277(const std::filesystem::path& directory) {
    install(directory, std::filesystem::path("plugins") / "xep_0277" / "xep_0277.so");
}

// The "analysers" reports of the fake cache with this event, in order.
std::vector<nlohmann::json> reports(const TestBackend& backend, const std::string& event) {
    std::vector<nlohmann::json> out;
    for (const auto& data : backend.ipc.sent("analysers")) {
        if (data["event"] == event) out.push_back(data);
    }
    return out;
}

}  // namespace

TEST_CASE("xep_0277 registers its analysers with the pubsub cache and asks for +notify") {
    TempDir dir;
    install_xep_0277(dir.path());
    install(dir.path(), std::filesystem::path("tests") / "plugins" / "fake_pubsub_cache.so");
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();
    for (const auto& plugin : backend.plugins.plugins()) {
        CAPTURE(plugin.name);
        CHECK(plugin.state == PluginState::Started);
    }

    auto added = reports(backend, "add");
    REQUIRE(added.size() == 3);
    CHECK(added[0]["name"] == "xep_0277_comments");
    CHECK(added[0]["subtype"] == "comment");
    CHECK(added[0]["node"] == "urn:xmpp:microblog:0:comments/*");
    CHECK(added[1]["name"] == "xep_0277");
    CHECK(added[1]["type"] == "blog");
    CHECK(added[1]["node"] == "urn:xmpp:microblog:0*");
    CHECK(added[2]["name"] == "xep_0277_atom");
    CHECK(added[2]["node"] == "");
    for (const auto& analyser : added) {
        CHECK(analyser["payload_namespace"] == "http://www.w3.org/2005/Atom");
        CHECK(analyser["to_sync"] == true);
        CHECK(analyser["parsed"]["title"] == "sample");
    }
    CHECK(backend.xmpp.features.contains(kNotifyFeature));

    backend.plugins.stop();
    auto removed = reports(backend, "remove");
    REQUIRE(removed.size() == 3);
    CHECK(removed[1]["name"] == "xep_0277");
}

TEST_CASE("xep_0277 without a pubsub cache starts and does nothing") {
    TempDir dir;
    install_xep_0277(dir.path());
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();
    REQUIRE(backend.plugins.plugins().size() == 1);
    CHECK(backend.plugins.plugins()[0].state == PluginState::Started);
    CHECK(backend.xmpp.features.empty());
    backend.plugins.stop();
}

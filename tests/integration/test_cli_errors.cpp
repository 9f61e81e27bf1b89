// SPDX-License-Identifier: MIT
// roost's errors as a user meets them: which profile a command acts on, input refused
// before any request, and command lines that do not parse: one line each, and an exit
// code of its own (doc/cli.md).
#include "tests/support/Daemon.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/Run.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int kUsage = 2;
constexpr int kNotFound = 4;
constexpr int kUnavailable = 5;
constexpr int kInvalidParams = -32602;

// Prosody with alice and bob; a roostd with both profiles, only alice's connected
// (bob: autoconnect = false), so that "configured" and "connected" differ.
struct TwoProfiles {
    ProsodyServer server{XmppServerOptions{.users = {"alice", "bob"}, .admins = {"alice"}}};
    Daemon daemon{profile_toml(server, "alice") + profile_toml(server, "bob") +
                  "autoconnect = false\n"};

    TwoProfiles() {
        auto deadline = std::chrono::steady_clock::now() + 30s;
        while (std::chrono::steady_clock::now() < deadline) {
            for (const auto& p : json::parse(daemon.roost({"--json", "profile", "list"}).out))
                if (p["profile"] == "alice" && p["state"] == "connected") return;
            std::this_thread::sleep_for(50ms);
        }
        FAIL("alice did not connect:\n" << daemon.log());
    }

    // `roost ARGS...`, checking that it failed with `exit_code` and printed exactly the
    // line `message` on stderr.
    void fails(const std::vector<std::string>& args, int exit_code, const std::string& message) {
        auto r = daemon.roost(args);
        INFO("roost " << json(args).dump());
        CHECK(r.exit_code == exit_code);
        CHECK(r.err == message + "\n");
    }

    // The JSON-RPC error code `roost --json ARGS...` reports on stdout.
    int rpc_code(std::vector<std::string> args) {
        args.insert(args.begin(), "--json");
        auto r = daemon.roost(args);
        INFO("roost " << json(args).dump() << "\n" << r.err);
        REQUIRE_FALSE(r.out.empty());
        return json::parse(r.out)["error"]["code"].get<int>();
    }
};

RunResult roost_binary(const std::string& name, std::vector<std::string> args) {
    args.insert(args.begin(), (build_dir() / "src" / "cli" / name).string());
    return run(args);
}

// Each command line of `bad` makes `program` exit 2 with one line "PROGRAM: ..." on stderr,
// and no "Run with --help" line.
void check_usage_errors(const std::string& program,
                        const std::vector<std::vector<std::string>>& bad) {
    for (const auto& args : bad) {
        auto r = roost_binary(program, args);
        INFO(program << " " << json(args).dump() << " printed: " << r.err);
        CHECK(r.exit_code == kUsage);
        CHECK(r.err.rfind(program + ": ", 0) == 0);
        CHECK(r.err.find('\n') == r.err.size() - 1);
        CHECK(r.err.find("--help") == std::string::npos);
    }
}

}  // namespace

TEST_CASE("prosody: the profile a command acts on is the one named, else the only one") {
    TwoProfiles t;
    const std::string service = t.server.pubsub_service();

    SUBCASE("an unknown profile is not found, for the network and for the cache alike") {
        const std::string unknown = "roost: no profile named 'nosuch' (see roost profile list)";
        t.fails({"pubsub", "get", "--profile", "nosuch", "--service", service, "--node", "n"},
                kNotFound, unknown);
        t.fails({"pubsub", "publish", "--profile", "nosuch", "--node", "n", "<x xmlns='urn:t'/>"},
                kNotFound, unknown);
        t.fails({"pubsub", "cache", "get", "--profile", "nosuch", "--node", "n"}, kNotFound,
                unknown);
        t.fails({"pubsub", "cache", "stats", "--profile", "nosuch"}, kNotFound, unknown);
    }

    SUBCASE("a configured profile that is not connected is unavailable") {
        t.fails({"pubsub", "get", "--profile", "bob", "--service", service, "--node", "n"},
                kUnavailable, "roost: profile bob is not connected (see roost profile list)");
    }

    SUBCASE("without --profile and with two profiles, the error lists them") {
        const std::string ambiguous =
            "roost: several profiles are configured (alice, bob): choose one with --profile";
        t.fails({"pubsub", "get", "--service", service, "--node", "n"}, kUsage, ambiguous);
        t.fails({"pubsub", "subscriptions", "--service", service}, kUsage, ambiguous);
        t.fails({"pubsub", "cache", "get", "--node", "n"}, kUsage, ambiguous);
        t.fails({"pubsub", "cache", "stats"}, kUsage, ambiguous);
        CHECK(t.daemon.roost({"pubsub", "cache", "stats", "--all-profiles"}).exit_code == 0);
    }

    SUBCASE("a named, connected profile reaches the server") {
        auto r = t.daemon.roost(
            {"pubsub", "get", "--profile", "alice", "--service", service, "--node", "nowhere"});
        CHECK(r.exit_code == kNotFound);
        CHECK(r.err.find("item-not-found") != std::string::npos);
    }
}

TEST_CASE("prosody: an invalid JID or an empty node is refused before any request") {
    TwoProfiles t;
    const std::vector<std::string> alice = {"--profile", "alice"};
    auto with_alice = [&](std::vector<std::string> args) {
        args.insert(args.end(), alice.begin(), alice.end());
        return args;
    };

    SUBCASE("a malformed service JID") {
        const std::string why = "roost: \"service\" is not a valid JID: ";
        t.fails(with_alice({"pubsub", "get", "--service", "a@@b/", "--node", "n"}), kUsage,
                why + "more than one '@' before the '/'");
        t.fails(with_alice({"pubsub", "get", "--service", "a@b/", "--node", "n"}), kUsage,
                why + "empty resourcepart after '/'");
        t.fails(with_alice({"pubsub", "get", "--service", "a<b@example.org", "--node", "n"}),
                kUsage, why + "'<' is not allowed in the localpart");
        t.fails(with_alice({"pubsub", "get", "--service", "pubsub..localhost", "--node", "n"}),
                kUsage, why + "empty label in the domainpart");
        t.fails(with_alice({"pubsub", "publish", "--service", "@localhost", "--node", "n",
                            "<x xmlns='urn:t'/>"}),
                kUsage, why + "empty localpart before '@'");
        t.fails(with_alice({"pubsub", "cache", "get", "--service", "a@@b/", "--node", "n"}), kUsage,
                why + "more than one '@' before the '/'");
        // Invalid params, not a server's error: the request never went out.
        CHECK(t.rpc_code(with_alice({"pubsub", "get", "--service", "a@@b/", "--node", "n"})) ==
              kInvalidParams);
        CHECK(t.rpc_code(with_alice({"pubsub", "get", "--no-cache", "--service", "a@@b/", "--node",
                                     "n"})) == kInvalidParams);
    }

    SUBCASE("an empty node name") {
        const std::string empty = "roost: \"node\" must not be empty";
        const std::string service = t.server.pubsub_service();
        t.fails(with_alice({"pubsub", "get", "--service", service, "--node", ""}), kUsage, empty);
        t.fails(with_alice({"pubsub", "node", "create", "--service", service, "--node", ""}),
                kUsage, empty);
        t.fails(with_alice({"pubsub", "cache", "get", "--node", ""}), kUsage, empty);
        t.fails(with_alice({"pubsub", "cache", "sync", "--node", ""}), kUsage, empty);
        CHECK(t.rpc_code(with_alice({"pubsub", "get", "--service", service, "--node", ""})) ==
              kInvalidParams);
        // Without a node, subscriptions lists those of every node: "" is not a node there.
        CHECK(t.daemon.roost(with_alice({"pubsub", "subscriptions", "--service", service}))
                  .exit_code == 0);
    }
}

TEST_CASE("every parse error of roost is one line, prefixed roost:, exit 2") {
    const std::vector<std::vector<std::string>> bad = {
        {"frobnicate"},
        {},
        {"status", "--bogus"},
        {"profile", "connect"},
        {"pubsub", "get"},
        {"pubsub", "get", "--node", "n", "--max", "abc"},
        {"pubsub", "get", "--node", "n", "--max", "99999999999999999999"},
        {"pubsub", "get", "--node", "n", "--max-items", "1.5"},
        {"pubsub", "retract", "--node", "n"},
        {"pubsub", "node"},
        {"pubsub", "node", "create", "--node", "n", "--config", "novalue"},
        {"pubsub", "publish", "--node", "n", "--option", "novalue", "<x/>"},
        {"pubsub", "cache", "search", "--limit", "many", "q"},
        {"pubsub", "cache", "purge", "--older-than", "abc"},
        {"pubsub", "cache", "get", "--node", "n", "--max", "abc"},
        {"blog"},
        {"blog", "post", "no title"},
        {"blog", "post", "--title", "t", "--access", "friends"},
        {"blog", "edit", "--title", "no id"},
        {"blog", "get", "--max", "abc"},
        {"blog", "comments"},
        {"blog", "comments", "delete", "--item", "p1"},
        {"stream"},
        {"stream", "define", "x"},
        {"stream", "define", "x", "--node", "s"},
        {"stream", "define", "x", "--rule", "{"},
        {"stream", "define", "x", "--rule", "{}", "--blog", "a@b"},
        {"stream", "get", "x", "--limit", "abc"},
        {"stream", "show"},
    };
    check_usage_errors("roost", bad);
    auto help = roost_binary("roost", {"pubsub", "get", "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("--profile") != std::string::npos);
}

TEST_CASE("every parse error of roost-migrate is one line, prefixed roost-migrate:, exit 2") {
    const std::vector<std::vector<std::string>> bad = {
        {"frobnicate"},
        {},
        {"downgrade"},
        {"upgrade", "--to", "abc"},
        {"upgrade", "--to", "99999999999999999999"},
        {"status", "--bogus"},
        {"new"},
    };
    check_usage_errors("roost-migrate", bad);
}

// SPDX-License-Identifier: MIT
// CacheFixture: what the pubsub cache's integration tests start from: a real XMPP server
// with alice and bob, a roostd with both profiles, and a CacheClient connected to it.
#pragma once

#include "tests/support/CacheClient.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/XmppServer.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace roost::test {

template <class Server>
struct CacheFixture {
    Server server;
    std::unique_ptr<Daemon> daemon;
    std::unique_ptr<CacheClient> roost;

    // Alice is an admin: on Prosody's pubsub component only admins may create nodes.
    explicit CacheFixture(XmppServerOptions options = {.users = {"alice", "bob"},
                                                       .admins = {"alice"}})
        : server(std::move(options)) {}

    // A roostd with alice's and bob's profiles; `settings` is more TOML (the plugins' own).
    std::unique_ptr<Daemon> start_daemon(const std::string& settings = "") const {
        return std::make_unique<Daemon>(profile_toml(server, "alice") +
                                        profile_toml(server, "bob") + settings);
    }

    // Starts this fixture's roostd (see start_daemon) and waits until both profiles are
    // connected. Not in the constructor: some fixtures fill the server first.
    void start_roost(const std::string& settings = "") {
        daemon = start_daemon(settings);
        roost = std::make_unique<CacheClient>(*daemon);
        REQUIRE(roost->wait_connected(2));
    }

    // `roost --json ARGS... --profile bob` against `on`: the exit code and what it printed.
    static std::pair<int, nlohmann::json> cli(const Daemon& on, std::vector<std::string> args) {
        args.insert(args.begin(), "--json");
        args.insert(args.end(), {"--profile", "bob"});
        auto result = on.roost(args);
        INFO(result.err);
        INFO(result.out);
        return {result.exit_code,
                result.out.empty() ? nlohmann::json() : nlohmann::json::parse(result.out)};
    }

    // The same against this fixture's roostd.
    std::pair<int, nlohmann::json> cli(std::vector<std::string> args) const {
        return cli(*daemon, std::move(args));
    }
};

}  // namespace roost::test

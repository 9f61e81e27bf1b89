// SPDX-License-Identifier: MIT
// CoreCommands: human output for status, plugins and profiles.
#include "src/cli/CoreCommands.hpp"

#include <iostream>

namespace roost::cli {
namespace {

using nlohmann::json;

void print_profiles(const json& profiles) {
    if (profiles.empty()) std::cout << "no profiles configured (see doc/config.md)\n";
    for (const auto& p : profiles) {
        std::cout << p["profile"].get<std::string>() << "  " << p["jid"].get<std::string>() << "  "
                  << p["state"].get<std::string>();
        if (const json& security = p["security"]; security.is_object()) {
            std::cout << "  "
                      << (security["tls"].get<bool>()
                              ? "TLS (" + security["trusted_by"].get<std::string>() + ")"
                              : std::string("plaintext"));
            if (!security["sasl_mechanism"].get<std::string>().empty())
                std::cout << ", " << security["sasl_mechanism"].get<std::string>();
        }
        if (!p["last_error"].get<std::string>().empty())
            std::cout << "  (" << p["last_error"].get<std::string>() << ")";
        std::cout << "\n";
    }
}

void print_status(const json& s) {
    std::cout << "roostd " << s["version"].get<std::string>() << ", pid " << s["pid"] << ", up "
              << s["uptime_seconds"] << " s\n"
              << "database: " << s["database"]["path"].get<std::string>() << " (schema version "
              << s["database"]["schema_version"] << ")\n"
              << "socket:   " << s["socket"].get<std::string>() << "\n"
              << "plugins:  " << s["plugins"]["total"] << " (" << s["plugins"]["failed"]
              << " failed)\n"
              << "profiles:\n";
    print_profiles(s["profiles"]);
}

void print_plugins(const json& plugins) {
    if (plugins.empty()) std::cout << "no plugins found\n";
    for (const auto& p : plugins) {
        std::cout << p["name"].get<std::string>() << " " << p["version"].get<std::string>() << "  "
                  << p["state"].get<std::string>();
        if (!p["reason"].get<std::string>().empty())
            std::cout << ": " << p["reason"].get<std::string>();
        std::cout << "\n";
    }
}

}  // namespace

void add_core_commands(CLI::App& app, const CliContext& context, int& exit_code) {
    app.add_subcommand("status", "the daemon's state, database, profiles")->callback([&] {
        exit_code = run_command([&] { context.print(context.call("status"), print_status); });
    });
    app.add_subcommand("plugins", "every plugin with its state and any failure")->callback([&] {
        exit_code = run_command([&] { context.print(context.call("plugins"), print_plugins); });
    });
    app.add_subcommand("stop", "stop the daemon cleanly")->callback([&] {
        exit_code = run_command([&] {
            context.print(context.call("daemon.stop"),
                          [](const json&) { std::cout << "roostd is stopping\n"; });
        });
    });

    auto* profile = app.add_subcommand("profile", "XMPP accounts")->require_subcommand(1);
    profile->add_subcommand("list", "configured profiles and their connection state")
        ->callback([&] {
            exit_code =
                run_command([&] { context.print(context.call("profile.list"), print_profiles); });
        });
    // connect and disconnect differ only in the method and the word printed.
    for (std::string action : {"connect", "disconnect"}) {
        auto* command = profile->add_subcommand(action, action + " a profile");
        auto name = std::make_shared<std::string>();
        command->add_option("PROFILE", *name, "profile name from roost.toml")->required();
        command->callback([&context, &exit_code, action, name] {
            exit_code = run_command([&] {
                context.print(context.call("profile." + action, {{"profile", *name}}),
                              [](const json& r) {
                                  std::cout << r["profile"].get<std::string>() << ": "
                                            << r["state"].get<std::string>() << "\n";
                              });
            });
        });
    }
}

}  // namespace roost::cli

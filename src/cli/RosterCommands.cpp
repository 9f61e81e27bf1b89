// SPDX-License-Identifier: MIT
// RosterCommands: command-line arguments to roster.* params, and human output.
#include "src/cli/RosterCommands.hpp"

#include <iostream>
#include <memory>

namespace roost::cli {
namespace {

using nlohmann::json;

// What the options of one command fill in; shared by its callback.
struct Options {
    std::string profile, jid, name, message;
    std::vector<std::string> groups;

    json params() const {
        json out = json::object();
        if (!profile.empty()) out["profile"] = profile;
        if (!jid.empty()) out["jid"] = jid;
        return out;
    }
};

std::string joined(const json& strings) {
    std::string out;
    for (const auto& s : strings) out += (out.empty() ? "" : ", ") + s.get<std::string>();
    return out;
}

void print_roster(const json& r) {
    std::cout << r["profile"].get<std::string>() << ": " << r["items"].size() << " contacts"
              << (r["connected"].get<bool>() ? "" : " (offline: as last known)") << "\n";
    for (const auto& item : r["items"]) {
        std::string name = item["name"].get<std::string>();
        std::cout << "  " << item["jid"].get<std::string>() << "  " << (name.empty() ? "-" : name)
                  << "  " << item["subscription"].get<std::string>()
                  << (item["ask"].is_null() ? "" : " (asked)");
        if (!item["groups"].empty()) std::cout << "  [" << joined(item["groups"]) << "]";
        std::cout << "\n";
    }
    if (r["requests"].empty()) return;
    std::cout << "waiting for your answer (roost roster approve|deny JID):\n";
    for (const auto& request : r["requests"]) {
        std::string message = request["message"].get<std::string>();
        std::cout << "  " << request["jid"].get<std::string>()
                  << (message.empty() ? "" : "  \"" + message + "\"") << "\n";
    }
}

// A command taking a contact's JID whose answer needs no more than `done` for people.
CLI::App* add_command(CLI::App& roster, const char* name, const char* help, const char* method,
                      const char* done, std::shared_ptr<Options> o,
                      std::function<void(json&)> extra, const CliContext& context, int& exit_code) {
    auto* command = roster.add_subcommand(name, help);
    command->add_option("--profile", o->profile, kProfileHelp);
    command->add_option("JID", o->jid, "the contact's bare JID")->required();
    command->callback([&context, &exit_code, o, method, done, extra] {
        exit_code = run_command([&] {
            json params = o->params();
            if (extra) extra(params);
            context.print(context.call(method, params),
                          [&](const json&) { std::cout << o->jid << ": " << done << "\n"; });
        });
    });
    return command;
}

}  // namespace

void add_roster_commands(CLI::App& app, const CliContext& context, int& exit_code) {
    auto* roster = app.add_subcommand("roster", "contacts and presence subscriptions");
    roster->require_subcommand(1);

    auto list = std::make_shared<Options>();
    auto* list_command = roster->add_subcommand("list", "the roster and the requests waiting");
    list_command->add_option("--profile", list->profile, kProfileHelp);
    list_command->callback([&context, &exit_code, list] {
        exit_code = run_command(
            [&] { context.print(context.call("roster.list", list->params()), print_roster); });
    });

    auto add = std::make_shared<Options>();
    auto* add_contact = add_command(
        *roster, "add", "add a contact, or set its name and groups", "roster.add", "in the roster",
        add,
        [add](json& params) {
            if (!add->name.empty()) params["name"] = add->name;
            params["groups"] = add->groups;
        },
        context, exit_code);
    add_contact->add_option("--name", add->name, "the name to show");
    add_contact->add_option("--group", add->groups, "a group (repeatable)");

    auto rename = std::make_shared<Options>();
    add_command(
        *roster, "rename", "set a contact's name (\"\" removes it)", "roster.rename", "renamed",
        rename, [rename](json& params) { params["name"] = rename->name; }, context, exit_code)
        ->add_option("NAME", rename->name, "the new name")
        ->required();

    auto groups = std::make_shared<Options>();
    add_command(
        *roster, "groups", "set a contact's groups (none: no group)", "roster.groups", "groups set",
        groups, [groups](json& params) { params["groups"] = groups->groups; }, context, exit_code)
        ->add_option("GROUP", groups->groups, "the groups");

    add_command(*roster, "remove", "remove a contact (ends both subscriptions)", "roster.remove",
                "removed", std::make_shared<Options>(), nullptr, context, exit_code);

    auto subscribe = std::make_shared<Options>();
    add_command(
        *roster, "subscribe", "ask to see a contact's presence", "roster.subscribe", "asked",
        subscribe,
        [subscribe](json& params) {
            if (!subscribe->message.empty()) params["message"] = subscribe->message;
        },
        context, exit_code)
        ->add_option("--message", subscribe->message, "a line for the contact");
    add_command(*roster, "approve", "let a contact see your presence", "roster.approve", "approved",
                std::make_shared<Options>(), nullptr, context, exit_code);
    add_command(*roster, "deny", "refuse a request, or stop a contact seeing your presence",
                "roster.deny", "denied", std::make_shared<Options>(), nullptr, context, exit_code);
    add_command(*roster, "cancel", "stop seeing a contact's presence, or withdraw your request",
                "roster.cancel", "cancelled", std::make_shared<Options>(), nullptr, context,
                exit_code);
}

}  // namespace roost::cli

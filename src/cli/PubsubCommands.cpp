// SPDX-License-Identifier: MIT
// PubsubCommands: command-line options to pubsub.* params, and human output.
#include "src/cli/PubsubCommands.hpp"

#include "src/cli/ItemQueryOptions.hpp"

#include <iostream>
#include <memory>

namespace roost::cli {
namespace {

using nlohmann::json;

// What the options of one command fill in; shared by its callback.
struct Options {
    std::string profile, service, node, payload, item_id;
    std::vector<std::string> items, fields;
    ItemQueryOptions query_items;
    bool no_cache = false, xml = false;

    json target() const {
        json params = {{"service", service}, {"node", node}};
        if (!profile.empty()) params["profile"] = profile;
        return params;
    }
};

void add_target(CLI::App& command, Options& o, bool node_required = true) {
    command.add_option("--profile", o.profile, kProfileHelp);
    command.add_option("--service", o.service, "pubsub service JID (default: your own PEP)");
    auto* node = command.add_option("--node", o.node, "node name");
    if (node_required) node->required();
}

// "var=value" options to a {var: [values]} object.
json fields_json(const std::vector<std::string>& fields) {
    json object = json::object();
    for (const auto& field : fields) {
        auto equals = field.find('=');
        if (equals == std::string::npos) throw CLI::ValidationError(field + ": expected VAR=VALUE");
        object[field.substr(0, equals)].push_back(field.substr(equals + 1));
    }
    return object;
}

json get_params(const Options& o) {
    json params = o.target();
    o.query_items.put_into(params);
    if (o.no_cache) params["no_cache"] = true;
    return params;
}

void print_items(const json& result, bool xml) {
    for (const auto& item : result["items"]) {
        if (xml) {
            std::cout << item["xml"].get<std::string>() << "\n";
            continue;
        }
        std::string publisher = item["publisher"].get<std::string>();
        std::cout << item["id"].get<std::string>() << "  " << (publisher.empty() ? "-" : publisher)
                  << "  " << item["xml"].get<std::string>().size() << " bytes\n";
    }
    const json& rsm = result["rsm"];
    if (xml || !rsm.is_object()) return;
    std::cerr << result["items"].size() << " items";
    if (rsm.contains("count")) std::cerr << " of " << rsm["count"];
    if (rsm.contains("first_index")) std::cerr << " from index " << rsm["first_index"];
    if (rsm.contains("first")) std::cerr << "; first " << rsm["first"].get<std::string>();
    if (rsm.contains("last")) std::cerr << ", last " << rsm["last"].get<std::string>();
    std::cerr << "\n";
}

// A command whose answer needs no more than "done" for people.
void add_simple(CLI::App& parent, const char* name, const char* help, const char* method,
                const CliContext& context, int& exit_code, const char* done_text) {
    auto o = std::make_shared<Options>();
    auto* command = parent.add_subcommand(name, help);
    add_target(*command, *o);
    command->callback([&context, &exit_code, o, method, done_text] {
        exit_code = run_command([&] {
            context.print(context.call(method, o->target()),
                          [&](const json&) { std::cout << o->node << ": " << done_text << "\n"; });
        });
    });
}

void add_get(CLI::App& pubsub, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* get = pubsub.add_subcommand("get", "items of a node (all of them unless limited)");
    add_target(*get, *o);
    o->query_items.add_to(*get, "page size (RSM max; the newest N where RSM is not offered)",
                          "XEP-0060 max_items: the newest N");
    get->add_flag("--no-cache", o->no_cache, "ask the server even when a cache could answer");
    get->add_flag("--xml", o->xml, "print each item's XML");
    get->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            context.print(context.call("pubsub.get", get_params(*o)),
                          [&](const json& r) { print_items(r, o->xml); });
        });
    });
}

void add_publish(CLI::App& pubsub, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* publish = pubsub.add_subcommand("publish", "publish one item (payload XML, or stdin)");
    add_target(*publish, *o);
    publish->add_option("--item", o->item_id, "item id (default: chosen by the server)");
    publish->add_option("--option", o->fields, "publish-option VAR=VALUE (repeatable)");
    publish->add_option("PAYLOAD", o->payload, "the payload element; - or nothing for stdin");
    publish->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = o->target();
            params["payload"] = o->payload.empty() || o->payload == "-" ? read_stdin() : o->payload;
            if (!o->item_id.empty()) params["item"] = o->item_id;
            if (!o->fields.empty()) params["options"] = fields_json(o->fields);
            context.print(context.call("pubsub.publish", params), [](const json& r) {
                std::cout << "published " << r["item"].get<std::string>() << "\n";
            });
        });
    });
}

void add_retract(CLI::App& pubsub, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* retract = pubsub.add_subcommand("retract", "retract items from a node");
    add_target(*retract, *o);
    retract->add_option("--item", o->items, "item id (repeatable)")->required();
    retract->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = o->target();
            params["items"] = o->items;
            context.print(context.call("pubsub.retract", params), [&](const json&) {
                std::cout << "retracted " << o->items.size() << " item(s) from " << o->node << "\n";
            });
        });
    });
}

void add_subscriptions(CLI::App& pubsub, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* command = pubsub.add_subcommand("subscriptions", "your subscriptions at a service");
    add_target(*command, *o, false);
    command->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            context.print(context.call("pubsub.subscriptions", o->target()), [](const json& r) {
                for (const auto& s : r)
                    std::cout << s["node"].get<std::string>() << "  " << s["jid"].get<std::string>()
                              << "  " << s["subscription"].get<std::string>() << "\n";
            });
        });
    });
}

void add_node(CLI::App& pubsub, const CliContext& context, int& exit_code) {
    auto* node = pubsub.add_subcommand("node", "create, delete, purge or configure nodes")
                     ->require_subcommand(1);
    auto o = std::make_shared<Options>();
    auto* create = node->add_subcommand("create", "create a node");
    add_target(*create, *o);
    create->add_option("--config", o->fields, "node configuration VAR=VALUE (repeatable)");
    create->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = o->target();
            if (!o->fields.empty()) params["config"] = fields_json(o->fields);
            context.print(context.call("pubsub.node.create", params),
                          [&](const json&) { std::cout << o->node << ": created\n"; });
        });
    });
    add_simple(*node, "delete", "delete a node", "pubsub.node.delete", context, exit_code,
               "deleted");
    add_simple(*node, "purge", "retract every item of a node", "pubsub.node.purge", context,
               exit_code, "purged");

    auto c = std::make_shared<Options>();
    auto* config = node->add_subcommand("config", "show a node's configuration, or --set it");
    add_target(*config, *c);
    config->add_option("--set", c->fields, "VAR=VALUE to change (repeatable)");
    config->callback([&context, &exit_code, c] {
        exit_code = run_command([&] {
            json params = c->target();
            if (c->fields.empty()) {
                context.print(context.call("pubsub.node.config.get", params), [](const json& r) {
                    for (const auto& [var, values] : r["config"].items())
                        std::cout << var << " = " << values.dump() << "\n";
                });
                return;
            }
            params["config"] = fields_json(c->fields);
            context.print(context.call("pubsub.node.config.set", params),
                          [&](const json&) { std::cout << c->node << ": configured\n"; });
        });
    });
}

}  // namespace

void add_pubsub_commands(CLI::App& app, const CliContext& context, int& exit_code) {
    auto* pubsub =
        app.add_subcommand("pubsub", "XEP-0060 publish-subscribe")->require_subcommand(1);
    add_get(*pubsub, context, exit_code);
    add_publish(*pubsub, context, exit_code);
    add_retract(*pubsub, context, exit_code);
    add_simple(*pubsub, "subscribe", "subscribe to a node", "pubsub.subscribe", context, exit_code,
               "subscribed");
    add_simple(*pubsub, "unsubscribe", "unsubscribe from a node", "pubsub.unsubscribe", context,
               exit_code, "unsubscribed");
    add_subscriptions(*pubsub, context, exit_code);
    add_node(*pubsub, context, exit_code);
}

}  // namespace roost::cli

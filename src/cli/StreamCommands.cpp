// SPDX-License-Identifier: MIT
// StreamCommands: command-line selectors to a stream's rule, stream.* answers for people,
// and `follow`, which prints a stream's notifications as they come until interrupted.
#include "src/cli/StreamCommands.hpp"

#include "src/cli/PostOutput.hpp"
#include "src/ipc/IpcClient.hpp"

#include <signal.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace roost::cli {
namespace {

using nlohmann::json;

// How often `follow` looks whether it was interrupted while no notification comes.
constexpr std::chrono::milliseconds kInterruptCheck{200};

// What the options of one command fill in; shared by its callback.
struct Options {
    std::string profile, name, rule, query;
    json feeds = json::array();  // the selectors, in command-line order
    std::optional<int> limit;
    std::optional<std::string> after;

    json params() const {
        json out = json::object();
        if (!profile.empty()) out["profile"] = profile;
        out["name"] = name;
        return out;
    }
};

CLI::App* add_command(CLI::App& stream, const char* name, const char* help, Options& o) {
    auto* command = stream.add_subcommand(name, help);
    command->add_option("--profile", o.profile, kProfileHelp);
    command->add_option("NAME", o.name, "the stream's name")->required();
    return command;
}

std::string text_of(const json& object, const char* field) {
    return object.is_object() && object.contains(field) && object[field].is_string()
               ? object[field].get<std::string>()
               : "";
}

// "NODE at SERVICE", or "NODE on your PEP service" for the service "".
std::string feed_text(const json& feed) {
    std::string service = text_of(feed, "service");
    return text_of(feed, "node") + (service.empty() ? " on your PEP service" : " at " + service);
}

// A word as a shell reads it back.
std::string shell_word(const std::string& word) {
    if (!word.empty() &&
        word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789@._:/+-=,") == std::string::npos)
        return word;
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A rule as the options of `roost stream define` that give it.
std::string rule_text(const json& rule) {
    std::string out;
    auto add = [&out](const std::string& words) { out += (out.empty() ? "" : " ") + words; };
    for (const auto& feed : rule.value("feeds", json::array())) {
        if (!feed.is_object() || feed.empty()) continue;
        auto only = feed.begin();  // kept alive: items()'s iterator would dangle here
        const std::string kind = only.key();
        const json& value = only.value();
        if (kind == "node")
            add("--node " + shell_word(text_of(value, "service")) + " " +
                shell_word(text_of(value, "node")));
        else if (kind == "contacts")
            add("--contacts");
        else if (value.is_string())
            add("--" + kind + " " + shell_word(value.get<std::string>()));
        else
            add("--" + kind + " " + value.dump());
    }
    if (rule.contains("query") && rule["query"].is_string())
        add("--query " + shell_word(rule["query"].get<std::string>()));
    return out;
}

// Unix milliseconds as an ISO 8601 UTC time, to the second.
std::string time_text(const json& ms) {
    if (!ms.is_number_integer()) return "?";
    std::time_t seconds = static_cast<std::time_t>(ms.get<std::int64_t>() / 1000);
    std::tm utc{};
    char text[32];
    if (!gmtime_r(&seconds, &utc) || !std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc))
        return "?";
    return text;
}

// The XML on one line, blanks squeezed, cut to `width` characters.
std::string xml_line(const std::string& xml, std::size_t width) {
    std::string line;
    std::size_t length = 0;
    bool blank = false;
    for (char c : xml) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            blank = !line.empty();
            continue;
        }
        bool starts_character = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        if (starts_character && length + (blank ? 1 : 0) >= width - 3) return line + "...";
        if (blank) {
            line += ' ';
            ++length;
            blank = false;
        }
        line += c;
        length += starts_character;
    }
    return line;
}

// What the xep_0277 analysers make of an Atom entry (doc/blog.md); other analysers may
// give other JSON, and items without an analyser give null.
bool is_post(const json& parsed) {
    if (!parsed.is_object()) return false;
    for (const char* field : {"title", "content", "published", "updated", "author"})
        if (parsed.contains(field)) return true;
    return false;
}

// One item of stream.get or of an "items" notification: a post as `roost blog get` shows
// it, anything else as its feed, id, time and a line of its XML.
void print_item(const json& item) {
    const json& parsed = item.value("parsed", json());
    if (is_post(parsed)) {
        json post = parsed;
        post["item_id"] = item.value("id", "");
        post["publisher"] = item.value("publisher", "");
        print_post(post, false);
        return;
    }
    std::cout << "[" << text_of(item, "id") << "] " << feed_text(item.value("feed", json())) << ", "
              << time_text(item.value("time_ms", json())) << "\n"
              << "  " << xml_line(text_of(item, "xml"), terminal_width() - 2) << "\n\n";
}

std::string feeds_text(const json& feeds) {
    std::string out;
    for (const auto& feed : feeds) out += (out.empty() ? "" : ", ") + feed_text(feed);
    return out;
}

// A notification other than "items", on one line of stderr: stdout keeps the items.
void print_notice(const std::string& stream, const json& data) {
    std::string event = text_of(data, "event");
    std::cerr << "stream " << stream << ": ";
    if (event == "retracted") {
        std::cerr << "retracted";
        for (const auto& item : data.value("items", json::array()))
            std::cerr << " [" << text_of(item, "id") << "] of "
                      << feed_text(item.value("feed", json()));
    } else if (event == "recomposed") {
        std::cerr << "recomposed (" << text_of(data, "why") << "), " << data.value("feeds", 0)
                  << " feed(s)";
        if (!data.value("joined", json::array()).empty())
            std::cerr << "; joined: " << feeds_text(data["joined"]);
        if (!data.value("left", json::array()).empty())
            std::cerr << "; left: " << feeds_text(data["left"]);
    } else if (event == "feed") {
        std::cerr << feed_text(data.value("feed", json())) << " " << text_of(data, "state");
        if (!text_of(data, "reason").empty()) std::cerr << " (" << text_of(data, "reason") << ")";
    } else if (event == "deleted") {
        std::cerr << "deleted; still following, a new definition resumes it";
    } else {
        std::cerr << event << " " << data.dump();
    }
    std::cerr << std::endl;
}

// --json: one notification per line, as {"topic", "data"}; people: items on stdout,
// the rest as notices.
void print_notification(const CliContext& context, const std::string& stream,
                        const ipc::IpcNotification& notification) {
    if (context.json) {
        std::cout << json{{"topic", notification.topic}, {"data", notification.data}}.dump()
                  << std::endl;
        return;
    }
    if (text_of(notification.data, "event") != "items") {
        print_notice(stream, notification.data);
        return;
    }
    for (const auto& item : notification.data.value("items", json::array())) print_item(item);
    std::cout << std::flush;
}

volatile std::sig_atomic_t interrupted = 0;

// SIGINT and SIGTERM end `follow` cleanly (exit 0) while they are installed; poll(2)
// is interrupted rather than restarted, and IpcClient waits at most kInterruptCheck.
class InterruptHandlers {
public:
    InterruptHandlers() {
        interrupted = 0;
        struct sigaction action {};
        action.sa_handler = [](int) { interrupted = 1; };
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &old_int_);
        sigaction(SIGTERM, &action, &old_term_);
    }
    ~InterruptHandlers() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    InterruptHandlers(const InterruptHandlers&) = delete;
    InterruptHandlers& operator=(const InterruptHandlers&) = delete;

private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

// The options that add a selector to Options::feeds as they are parsed, so that the rule
// keeps the command line's order across options. --rule excludes them all: rule_of()
// says so (CLI11's excludes() would clutter every line of --help).
void add_selectors(CLI::App& command, const std::shared_ptr<Options>& o) {
    command
        .add_option_function<std::pair<std::string, std::string>>(
            "--node",
            [o](const std::pair<std::string, std::string>& node) {
                o->feeds.push_back({{"node", {{"service", node.first}, {"node", node.second}}}});
            },
            "the node NODE at SERVICE ('' for your PEP service) (repeatable)")
        ->type_name("SERVICE NODE")
        ->trigger_on_parse();
    auto selector = [&command, o](const char* kind, const char* value_name, const char* help) {
        command
            .add_option_function<std::string>(
                std::string("--") + kind,
                [o, kind](const std::string& value) {
                    o->feeds.push_back({{kind, value}});
                },
                help)
            ->type_name(value_name)
            ->trigger_on_parse();
    };
    selector("blog", "JID", "JID's microblog (repeatable)");
    selector("group", "GROUP", "the microblogs of a roster group's contacts (repeatable)");
    command
        .add_flag_function(
            "--contacts",
            [o](std::int64_t given) {
                if (given > 0) o->feeds.push_back({{"contacts", true}});
            },
            "the microblogs of every contact")
        ->trigger_on_parse();
    selector("type", "TYPE", "every cached node of an analyser's type, e.g. blog (repeatable)");
    command.add_option("--query", o->query, "only items with every one of these words");
    command.add_option("--rule", o->rule,
                       "the whole rule as JSON instead, - for stdin (doc/streams.md)");
}

json rule_of(const Options& o) {
    if (!o.rule.empty() && (!o.feeds.empty() || !o.query.empty()))
        throw CLI::ExcludesError("--rule", "--node, --blog, --group, --contacts, --type, --query");
    if (!o.rule.empty()) {
        std::string text = o.rule == "-" ? read_stdin() : o.rule;
        try {
            return json::parse(text);
        } catch (const json::exception& e) {
            throw CLI::ValidationError("--rule", std::string("not JSON: ") + e.what());
        }
    }
    if (o.feeds.empty())
        throw CLI::RequiredError("a feed (--node, --blog, --group, --contacts, --type) or --rule");
    json rule = {{"feeds", o.feeds}};
    if (!o.query.empty()) rule["query"] = o.query;
    return rule;
}

void add_define(CLI::App& stream, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* command = add_command(stream, "define",
                                "define (or redefine) a stream: its feeds, in the order given", *o);
    add_selectors(*command, o);
    command->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = o->params();
            params["rule"] = rule_of(*o);
            context.print(context.call("stream.define", params), [](const json& r) {
                std::cout << (r["replaced"] == true ? "redefined " : "defined ")
                          << r["name"].get<std::string>() << ": " << r["feeds"].size()
                          << " feed(s)\n";
                for (const auto& feed : r["feeds"]) std::cout << "  " << feed_text(feed) << "\n";
            });
        });
    });
}

void add_list(CLI::App& stream, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* command = stream.add_subcommand("list", "the profile's streams and their rules");
    command->add_option("--profile", o->profile, kProfileHelp);
    command->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = json::object();
            if (!o->profile.empty()) params["profile"] = o->profile;
            context.print(context.call("stream.list", params), [](const json& r) {
                if (r["streams"].empty()) std::cout << "no streams\n";
                for (const auto& s : r["streams"])
                    std::cout << s["name"].get<std::string>() << "  " << s["feeds"] << " feed(s)  "
                              << rule_text(s["rule"]) << "\n";
            });
        });
    });
}

void add_show(CLI::App& stream, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* command =
        add_command(stream, "show", "a stream's rule, and where each of its feeds stands", *o);
    command->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            context.print(context.call("stream.show", o->params()), [](const json& r) {
                std::cout << r["name"].get<std::string>() << ": " << rule_text(r["rule"]) << "\n"
                          << "  defined " << time_text(r["defined_at"]) << ", topic "
                          << r["topic"].get<std::string>() << "\n";
                if (r["feeds"].empty()) std::cout << "  no feeds\n";
                for (const auto& feed : r["feeds"]) {
                    std::cout << "  " << feed_text(feed) << ": " << text_of(feed, "state");
                    if (!text_of(feed, "reason").empty())
                        std::cout << " (" << text_of(feed, "reason") << ")";
                    std::cout << "\n";
                }
            });
        });
    });
}

void add_get(CLI::App& stream, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* command = add_command(stream, "get", "read a stream, newest first", *o);
    command->add_option("--limit", o->limit, "at most N items (default 20)");
    command->add_option("--after", o->after, "the page after this cursor (older items)");
    command->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = o->params();
            if (o->limit) params["limit"] = *o->limit;
            if (o->after) params["after"] = *o->after;
            context.print(context.call("stream.get", params), [](const json& r) {
                if (r["items"].empty()) std::cout << "no items\n";
                for (const auto& item : r["items"]) print_item(item);
                if (r["next"].is_string())
                    std::cerr << "more items: use --after " << r["next"].get<std::string>() << "\n";
            });
        });
    });
}

void add_follow(CLI::App& stream, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* command = add_command(stream, "follow",
                                "print a stream's new items as they come, until interrupted", *o);
    command->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            ipc::IpcClient client(context.socket);
            json answer = context.call(client, "stream.subscribe", o->params());
            std::string topic = answer.value("topic", "");
            InterruptHandlers handlers;
            while (!interrupted) {
                auto notification = client.next_notification(kInterruptCheck);
                if (notification && notification->topic == topic)
                    print_notification(context, o->name, *notification);
            }
        });
    });
}

void add_delete(CLI::App& stream, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* command = add_command(stream, "delete", "delete a stream (its feeds stay cached)", *o);
    command->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            context.print(context.call("stream.delete", o->params()), [](const json& r) {
                std::cout << "deleted " << r["name"].get<std::string>() << "\n";
            });
        });
    });
}

}  // namespace

void add_stream_commands(CLI::App& app, const CliContext& context, int& exit_code) {
    auto* stream = app.add_subcommand("stream", "streams: merged, live views of many cached feeds")
                       ->require_subcommand(1);
    add_define(*stream, context, exit_code);
    add_list(*stream, context, exit_code);
    add_show(*stream, context, exit_code);
    add_get(*stream, context, exit_code);
    add_follow(*stream, context, exit_code);
    add_delete(*stream, context, exit_code);
}

}  // namespace roost::cli

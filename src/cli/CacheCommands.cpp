// SPDX-License-Identifier: MIT
// CacheCommands: command-line options to pubsub.cache.* params, human output, and the
// progress bar of a sync.
#include "src/cli/CacheCommands.hpp"

#include "src/cli/ItemQueryOptions.hpp"
#include "src/ipc/IpcClient.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace roost::cli {
namespace {

using nlohmann::json;

struct Options {
    std::string profile, service, node, type, query, order_by;
    ItemQueryOptions query_items;
    std::optional<int> limit, offset, older_than;
    bool all_profiles = false, xml = false;

    json scope() const {
        json params = json::object();
        if (!profile.empty()) params["profile"] = profile;
        if (all_profiles) params["all_profiles"] = true;
        return params;
    }
    json target() const {
        json params = scope();
        params["service"] = service;
        params["node"] = node;
        return params;
    }
};

void add_profile(CLI::App& command, Options& o, bool all) {
    command.add_option("--profile", o.profile, kProfileHelp);
    if (all) command.add_flag("--all-profiles", o.all_profiles, "every profile, not just one");
}

void add_target(CLI::App& command, Options& o) {
    add_profile(command, o, false);
    command.add_option("--service", o.service, "pubsub service JID (default: your own PEP)");
    command.add_option("--node", o.node, "node name")->required();
}

void add_get(CLI::App& cache, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* get = cache.add_subcommand("get", "items of a cached node, from the cache only");
    add_target(*get, *o);
    o->query_items.add_to(*get, "RSM page size", "the newest N");
    get->add_option("--order-by", o->order_by,
                    "creation or modification (default: the server's order)");
    get->add_flag("--xml", o->xml, "print each item's XML");
    get->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = o->target();
            o->query_items.put_into(params);
            if (!o->order_by.empty()) params["order_by"] = o->order_by;
            context.print(context.call("pubsub.cache.get", params), [&](const json& r) {
                for (const auto& item : r["items"])
                    std::cout << (o->xml ? item["xml"] : item["id"]).get<std::string>() << "\n";
            });
        });
    });
}

// A bar on stderr drawn from the sync's pubsub.cache.progress notifications. They come
// on a second connection, read by a thread of its own while the sync call waits for
// its answer on the first; subscribed before that call, so that no page is missed.
class SyncProgressBar {
public:
    static constexpr int kWidth = 30;

    SyncProgressBar(const std::filesystem::path& socket, const Options& target)
        : client_(socket), service_(target.service), node_(target.node), profile_(target.profile) {
        client_.subscribe({"pubsub.cache.progress"});
        thread_ = std::thread([this] { follow(); });
    }
    ~SyncProgressBar() {
        stop_ = true;
        thread_.join();
        if (drawn_) std::cerr << "\r\033[K" << std::flush;  // the answer's line replaces it
    }
    SyncProgressBar(const SyncProgressBar&) = delete;
    SyncProgressBar& operator=(const SyncProgressBar&) = delete;

private:
    void follow() {
        try {
            while (!stop_) {
                auto notification = client_.next_notification(std::chrono::milliseconds(100));
                if (notification && concerns_us(notification->data)) draw(notification->data);
            }
            // The last page's notification left just before the answer: show it too.
            while (auto notification = client_.next_notification(std::chrono::milliseconds(50)))
                if (concerns_us(notification->data)) draw(notification->data);
        } catch (const std::exception&) {
            // The connection went away: the sync call says why; the bar just stops.
        }
    }

    bool concerns_us(const json& data) const {
        return data.value("node", "") == node_ && data.value("service", "") == service_ &&
               (profile_.empty() || data.value("profile", "") == profile_);
    }

    void draw(const json& data) {
        long fetched = data.value("fetched", 0L);
        std::cerr << "\r" << node_ << " ";
        if (data.contains("total") && data["total"].is_number_integer() && data["total"] > 0) {
            long total = data["total"].get<long>();
            long filled = std::min<long>(kWidth, fetched * kWidth / total);
            std::cerr << "[" << std::string(static_cast<std::size_t>(filled), '#')
                      << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] "
                      << fetched << "/" << total;
        } else {
            std::cerr << fetched;
        }
        std::cerr << " items\033[K" << std::flush;
        drawn_ = true;
    }

    ipc::IpcClient client_;
    std::string service_, node_, profile_;
    std::atomic<bool> stop_ = false;
    bool drawn_ = false;  // written by the thread, read after join()
    std::thread thread_;
};

void add_sync(CLI::App& cache, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* sync = cache.add_subcommand("sync", "fetch a whole node into the cache now");
    add_target(*sync, *o);
    sync->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json result;
            {
                std::optional<SyncProgressBar> bar;
                if (!context.json && ::isatty(STDERR_FILENO)) bar.emplace(context.socket, *o);
                result = context.call("pubsub.cache.sync", o->target());
            }
            context.print(result, [&](const json& r) {
                std::cout << o->node << ": " << r["sync_state"].get<std::string>() << ", "
                          << r["items"] << " items";
                if (!r.value("sync_reason", "").empty())
                    std::cout << " (" << r["sync_reason"].get<std::string>() << ")";
                std::cout << "\n";
            });
        });
    });
}

void add_purge(CLI::App& cache, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* purge =
        cache.add_subcommand("purge", "drop cached items (all of the profile's by default)");
    add_profile(*purge, *o, true);
    purge->add_option("--service", o->service, "only this service");
    purge->add_option("--node", o->node, "only this node");
    purge->add_option("--type", o->type, "only nodes of this type (blog, ...)");
    purge->add_option("--older-than", o->older_than, "only items updated more than N seconds ago");
    purge->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = o->scope();
            if (!o->service.empty()) params["service"] = o->service;
            if (!o->node.empty()) params["node"] = o->node;
            if (!o->type.empty()) params["type"] = o->type;
            if (o->older_than) params["older_than"] = *o->older_than;
            context.print(context.call("pubsub.cache.purge", params), [](const json& r) {
                std::cout << "purged " << r["items"] << " items from " << r["nodes"] << " nodes\n";
            });
        });
    });
}

void add_reset(CLI::App& cache, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* reset = cache.add_subcommand("reset", "forget every cached node of the profile");
    add_profile(*reset, *o, true);
    reset->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            context.print(context.call("pubsub.cache.reset", o->scope()),
                          [](const json&) { std::cout << "cache reset\n"; });
        });
    });
}

void add_search(CLI::App& cache, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* search = cache.add_subcommand("search", "search cached items (doc/search.md)");
    add_profile(*search, *o, true);
    search->add_option("QUERY", o->query, "e.g. 'title contains \"x\" and fts:\"words\"'");
    search->add_option("--limit", o->limit, "at most N hits (default 50)");
    search->add_option("--offset", o->offset, "skip the first N hits");
    search->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = o->scope();
            params["query"] = o->query;
            if (o->limit) params["limit"] = *o->limit;
            if (o->offset) params["offset"] = *o->offset;
            context.print(context.call("pubsub.cache.search", params), [](const json& r) {
                for (const auto& hit : r["hits"]) {
                    std::string title = hit["parsed"].is_object() && hit["parsed"].contains("title")
                                            ? hit["parsed"]["title"].get<std::string>()
                                            : "";
                    std::cout << hit["node"].get<std::string>() << "  "
                              << hit["id"].get<std::string>() << "  " << title << "\n";
                }
                if (r["more"].get<bool>()) std::cerr << "more results: use --offset\n";
            });
        });
    });
}

void add_stats(CLI::App& cache, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* stats = cache.add_subcommand("stats", "cached nodes, items and bytes, by type and state");
    add_profile(*stats, *o, true);
    stats->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            context.print(context.call("pubsub.cache.stats", o->scope()), [](const json& r) {
                const json& t = r["total"];
                std::cout << t["nodes"] << " nodes, " << t["items"] << " items, " << t["bytes"]
                          << " bytes\n";
                for (const auto& [state, e] : r["by_sync_state"].items())
                    std::cout << "  " << state << ": " << e["nodes"] << " nodes, " << e["items"]
                              << " items\n";
                for (const auto& node : r["nodes"]) {
                    std::string reason = node.value("sync_reason", "");
                    std::cout << node["node"].get<std::string>() << " at "
                              << node["service"].get<std::string>() << ": "
                              << (node["sync_state"].is_null()
                                      ? "not synced"
                                      : node["sync_state"].get<std::string>())
                              << (reason.empty() ? "" : " (" + reason + ")") << "\n";
                }
            });
        });
    });
}

}  // namespace

void add_cache_commands(CLI::App& app, const CliContext& context, int& exit_code) {
    auto* cache = app.get_subcommand("pubsub")
                      ->add_subcommand("cache", "the pubsub cache: read, sync, search, maintain")
                      ->require_subcommand(1);
    add_get(*cache, context, exit_code);
    add_sync(*cache, context, exit_code);
    add_purge(*cache, context, exit_code);
    add_reset(*cache, context, exit_code);
    add_search(*cache, context, exit_code);
    add_stats(*cache, context, exit_code);
}

}  // namespace roost::cli

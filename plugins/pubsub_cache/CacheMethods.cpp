// SPDX-License-Identifier: MIT
// CacheMethods: JSON params in, store and sync calls, JSON answers out.
#include "CacheMethods.hpp"

#include "CacheAnswer.hpp"
#include "CachePlugin.hpp"
#include "roost/IpcParams.hpp"
#include "roost/ProfileParam.hpp"
#include "roost/PubsubJson.hpp"

#include <memory>

namespace roost::cache {
namespace {

using nlohmann::json;
using Reply = std::shared_ptr<RpcReply>;
using Handler = void (*)(CachePlugin&, const json&, const Reply&);
using namespace ipc_params;

pubsub::ProfileScope scope_param(CachePlugin& plugin, const json& params) {
    if (params.value("all_profiles", false)) return pubsub::ProfileScope::all();
    return pubsub::ProfileScope::only(profile_param(plugin.host().xmpp(), params));
}

pubsub::NodeKey key_param(CachePlugin& plugin, const json& params) {
    return plugin.node_key(profile_param(plugin.host().xmpp(), params),
                           jid_param(params, "service"), node_param(params, true));
}

std::string where(const pubsub::NodeKey& key) {
    return key.node + " at " + (key.service.empty() ? "own PEP" : key.service) + " (profile " +
           key.profile + ")";
}

json node_json(const pubsub::NodeInfo& node) {
    return {{"profile", node.key.profile},
            {"service", node.key.service},
            {"node", node.key.node},
            {"analyser", node.analyser},
            {"type", node.type},
            {"subtype", node.subtype},
            {"sync_state", node.sync_state ? json(pubsub::to_string(*node.sync_state)) : json()},
            {"sync_reason", node.sync_reason},
            {"subscribed", node.subscribed},
            {"max_items", node.extra.is_object() ? node.extra.value("max_items", json()) : json()}};
}

json entry_json(const pubsub::StatsEntry& entry) {
    return {{"nodes", entry.nodes}, {"items", entry.items}, {"bytes", entry.bytes}};
}

void get(CachePlugin& plugin, const json& params, const Reply& reply) {
    auto key = key_param(plugin, params);
    auto request = pubsub::items_query_param(params);
    request.profile = key.profile;
    request.service = key.service;
    request.node = key.node;
    auto node = plugin.store().node_state(key);
    if (!node)
        throw RpcError{
            rpc_error::kNotFound,
            where(key) + " is not cached; run: roost pubsub cache sync --node " + key.node};
    auto answer = answer_from_cache(plugin.store(), key, request, server_pages(*node));
    if (!answer.ok()) throw RpcError{rpc_error::kNotFound, answer.error->message()};
    json result = pubsub::items_page_json(answer.page);
    result["node"] = node_json(*node);
    reply->result(result);
}

void sync(CachePlugin& plugin, const json& params, const Reply& reply) {
    auto key = key_param(plugin, params);
    XmppClient* client = plugin.host().xmpp().client(key.profile);
    if (client == nullptr || !client->connected())
        throw RpcError{rpc_error::kUnavailable, "profile " + key.profile + " is not connected"};
    plugin.sync(key, true, [reply, key](const SyncOutcome& outcome) {
        if (!outcome.state) {
            reply->error({rpc_error::kNotFound, where(key) + ": " + outcome.reason});
            return;
        }
        if (outcome.state == pubsub::SyncState::Error) {
            reply->error({rpc_error::kRemoteError, where(key) + ": " + outcome.reason});
            return;
        }
        reply->result({{"node", key.node},
                       {"service", key.service},
                       {"profile", key.profile},
                       {"sync_state", pubsub::to_string(*outcome.state)},
                       {"sync_reason", outcome.reason},
                       {"items", outcome.items}});
    });
}

void purge(CachePlugin& plugin, const json& params, const Reply& reply) {
    pubsub::PurgeFilter filter;
    filter.scope = scope_param(plugin, params);
    filter.service = optional_string(params, "service");
    filter.node = optional_string(params, "node");
    filter.type = optional_string(params, "type");
    if (auto seconds = int_param(params, "older_than"))
        filter.updated_before = now_ms() - std::int64_t{*seconds} * 1000;
    // A sync still storing pages would mark the node completed without what went.
    plugin.abandon_syncs(
        [&](const pubsub::NodeKey& key) {
            if (!filter.scope.all_profiles && key.profile != filter.scope.profile) return false;
            if (filter.service &&
                plugin.node_key(key.profile, *filter.service, "").service != key.service)
                return false;
            if (filter.node && key.node != *filter.node) return false;
            auto node = plugin.store().node_state(key);
            return !filter.type || (node && node->type == *filter.type);
        },
        "purged during its sync");
    auto purged = plugin.store().purge(filter);
    // A profile's own bare JID names its own PEP, which the cache keeps under service "".
    if (filter.service && !filter.service->empty()) {
        for (XmppClient* client : plugin.host().xmpp().clients()) {
            const std::string& profile = client->profile();
            if (!filter.scope.all_profiles && profile != filter.scope.profile) continue;
            if (!plugin.node_key(profile, *filter.service, "").service.empty()) continue;
            pubsub::PurgeFilter own_pep = filter;
            own_pep.scope = pubsub::ProfileScope::only(profile);
            own_pep.service = "";
            auto more = plugin.store().purge(own_pep);
            purged.items += more.items;
            purged.nodes += more.nodes;
        }
    }
    reply->result({{"items", purged.items}, {"nodes", purged.nodes}});
}

void reset(CachePlugin& plugin, const json& params, const Reply& reply) {
    auto scope = scope_param(plugin, params);
    plugin.abandon_syncs(
        [&](const pubsub::NodeKey& key) {
            return scope.all_profiles || key.profile == scope.profile;
        },
        "reset during its sync");
    plugin.forget_syncs(scope.all_profiles ? "" : scope.profile);
    if (scope.all_profiles) {
        plugin.store().reset();
        reply->result({{"nodes", nullptr}, {"all_profiles", true}});
        return;
    }
    pubsub::NodeFilter filter;
    filter.profile = scope.profile;
    int dropped = 0;
    for (const auto& node : plugin.store().list_nodes(filter))
        dropped += plugin.store().drop_node(node.key) ? 1 : 0;
    reply->result({{"nodes", dropped}, {"all_profiles", false}});
}

void search(CachePlugin& plugin, const json& params, const Reply& reply) {
    auto parsed = plugin.store().parse_search(string_param(params, "query"));
    if (!parsed.ok()) throw invalid(parsed.error->message);
    pubsub::SearchQuery query = std::move(*parsed.query);
    // A profile: clause in the query wins over the caller's own.
    if (params.value("all_profiles", false))
        query.scope = pubsub::ProfileScope::all();
    else if (query.scope.profile.empty())
        query.scope = scope_param(plugin, params);
    if (auto limit = int_param(params, "limit")) query.limit = *limit;
    if (auto offset = int_param(params, "offset")) query.offset = *offset;
    auto result = plugin.store().search(query);
    if (!result.ok()) throw invalid(result.error->message);
    json hits = json::array();
    for (const auto& hit : result.hits)
        hits.push_back({{"profile", hit.key.profile},
                        {"service", hit.key.service},
                        {"node", hit.key.node},
                        {"type", hit.type},
                        {"id", hit.item.id},
                        {"publisher", hit.item.publisher},
                        {"parsed", hit.item.parsed},
                        {"parse_error", hit.item.parse_error},
                        {"created", hit.item.created},
                        {"updated", hit.item.updated}});
    reply->result({{"hits", hits}, {"more", result.more}});
}

void stats(CachePlugin& plugin, const json& params, const Reply& reply) {
    auto scope = scope_param(plugin, params);
    auto stats = plugin.store().stats(scope);
    json by_type = json::object();
    for (const auto& [type, entry] : stats.by_type) by_type[type] = entry_json(entry);
    json by_state = json::object();
    for (const auto& [state, entry] : stats.by_sync_state) by_state[state] = entry_json(entry);
    json nodes = json::array();
    if (!scope.all_profiles) {
        pubsub::NodeFilter filter;
        filter.profile = scope.profile;
        for (const auto& node : plugin.store().list_nodes(filter)) {
            json entry = node_json(node);
            entry["syncing"] = plugin.syncing(node.key);
            nodes.push_back(entry);
        }
    }
    reply->result({{"total", entry_json(stats.total)},
                   {"by_type", by_type},
                   {"by_sync_state", by_state},
                   {"nodes", nodes}});
}

const std::pair<const char*, Handler> kMethods[] = {
    {"pubsub.cache.get", get},     {"pubsub.cache.sync", sync},     {"pubsub.cache.purge", purge},
    {"pubsub.cache.reset", reset}, {"pubsub.cache.search", search}, {"pubsub.cache.stats", stats},
};

}  // namespace

void register_cache_methods(CachePlugin& plugin) {
    add_methods(plugin.host().ipc(), plugin, kMethods);
}

void unregister_cache_methods(CachePlugin& plugin) {
    remove_methods(plugin.host().ipc(), kMethods);
}

}  // namespace roost::cache

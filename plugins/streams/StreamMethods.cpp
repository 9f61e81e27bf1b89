// SPDX-License-Identifier: MIT
#include "StreamMethods.hpp"

#include "StreamJson.hpp"
#include "StreamsPlugin.hpp"
#include "roost/IpcParams.hpp"
#include "roost/ProfileParam.hpp"

#include <memory>
#include <utility>

namespace roost::streams {
namespace {

using nlohmann::json;
using Reply = std::shared_ptr<RpcReply>;
using Handler = void (*)(StreamsPlugin&, const json&, const Reply&);
using namespace ipc_params;

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 1000;

std::string name_param(const json& params) {
    std::string name = string_param(params, "name", true);
    if (name.empty() || name.find('/') != std::string::npos)
        throw invalid("\"name\" must be a non-empty name without '/'");
    return name;
}

std::string profile_of(StreamsPlugin& plugin, const json& params) {
    return profile_param(plugin.host().xmpp(), params);
}

RpcError not_found(const std::string& profile, const std::string& name) {
    return {rpc_error::kNotFound,
            "no stream named '" + name + "' in profile " + profile + " (see roost stream list)"};
}

streams::StoredStream known(StreamsPlugin& plugin, const std::string& profile,
                            const std::string& name) {
    auto stored = plugin.host().stream_store().get(profile, name);
    if (!stored) throw not_found(profile, name);
    return *stored;
}

void define(StreamsPlugin& plugin, const json& params, const Reply& reply) {
    std::string profile = profile_of(plugin, params);
    std::string name = name_param(params);
    if (!params.contains("rule")) throw invalid("missing param \"rule\"");
    StreamRule rule = StreamRule::from_json(params["rule"]);
    bool replaced = plugin.define(profile, name, rule);
    reply->result({{"profile", profile},
                   {"name", name},
                   {"replaced", replaced},
                   {"topic", topic_of(profile, name)},
                   {"feeds", feeds_json(plugin.find(profile, name)->feeds)}});
}

void list(StreamsPlugin& plugin, const json& params, const Reply& reply) {
    std::string profile = profile_of(plugin, params);
    json streams = json::array();
    for (const auto& stored : plugin.host().stream_store().list(profile))
        streams.push_back({{"name", stored.name},
                           {"rule", stored.rule},
                           {"defined_at", stored.defined_at},
                           {"feeds", plugin.find(profile, stored.name)->feeds.size()}});
    reply->result({{"profile", profile}, {"streams", streams}});
}

void show(StreamsPlugin& plugin, const json& params, const Reply& reply) {
    std::string profile = profile_of(plugin, params);
    auto stored = known(plugin, profile, name_param(params));
    json feeds = json::array();
    for (const auto& key : plugin.find(profile, stored.name)->feeds) {
        auto state = plugin.feed_state(key);
        json feed = feed_json(key);
        feed["state"] = state.state;
        feed["reason"] = state.reason;
        feeds.push_back(std::move(feed));
    }
    reply->result({{"profile", profile},
                   {"name", stored.name},
                   {"rule", stored.rule},
                   {"defined_at", stored.defined_at},
                   {"topic", topic_of(profile, stored.name)},
                   {"feeds", feeds}});
}

void get(StreamsPlugin& plugin, const json& params, const Reply& reply) {
    std::string profile = profile_of(plugin, params);
    std::string name = name_param(params);
    const LiveStream* stream = plugin.find(profile, name);  // held: no database read
    if (!stream) throw not_found(profile, name);
    int limit = int_param(params, "limit").value_or(kDefaultLimit);
    if (limit < 1 || limit > kMaxLimit)
        throw invalid("\"limit\" must be between 1 and " + std::to_string(kMaxLimit));
    pubsub::MergedQuery query;
    query.profile = profile;
    query.nodes = stream->feeds;
    query.limit = limit;
    query.text = stream->rule.query;
    if (auto after = optional_string(params, "after")) query.after = cursor_from(*after);
    auto page = plugin.host().pubsub_store().merged_items(query);
    json next =
        page.more && !page.items.empty() ? json(cursor_text(page.items.back().cursor)) : json();
    reply->result(
        {{"profile", profile}, {"name", name}, {"items", items_json(page.items)}, {"next", next}});
}

void remove(StreamsPlugin& plugin, const json& params, const Reply& reply) {
    std::string profile = profile_of(plugin, params);
    std::string name = name_param(params);
    if (!plugin.remove(profile, name)) throw not_found(profile, name);
    reply->result({{"profile", profile}, {"name", name}, {"deleted", true}});
}

// A subscription is to the stream's name, defined or not: it outlives redefinitions.
void subscription(StreamsPlugin& plugin, const json& params, const Reply& reply, bool on) {
    std::string profile = profile_of(plugin, params);
    std::string name = name_param(params);
    reply->set_subscription(topic_of(profile, name), on);
    reply->result({{"profile", profile},
                   {"name", name},
                   {"topic", topic_of(profile, name)},
                   {"subscribed", on}});
}

const std::pair<const char*, Handler> kMethods[] = {
    {"stream.define", define},
    {"stream.list", list},
    {"stream.show", show},
    {"stream.get", get},
    {"stream.delete", remove},
    {"stream.subscribe", [](StreamsPlugin& p, const json& params,
                            const Reply& r) { subscription(p, params, r, true); }},
    {"stream.unsubscribe", [](StreamsPlugin& p, const json& params,
                              const Reply& r) { subscription(p, params, r, false); }},
};

}  // namespace

void register_methods(StreamsPlugin& plugin) { add_methods(plugin.host().ipc(), plugin, kMethods); }

void unregister_methods(StreamsPlugin& plugin) { remove_methods(plugin.host().ipc(), kMethods); }

}  // namespace roost::streams

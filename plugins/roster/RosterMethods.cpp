// SPDX-License-Identifier: MIT
#include "RosterMethods.hpp"

#include "RosterJson.hpp"
#include "RosterPlugin.hpp"
#include "roost/IpcParams.hpp"
#include "roost/ProfileParam.hpp"

#include <algorithm>
#include <memory>

namespace roost::roster {
namespace {

using nlohmann::json;
using Reply = std::shared_ptr<RpcReply>;
using Handler = void (*)(RosterPlugin&, const json&, const Reply&);
using namespace ipc_params;

// A contact's JID: required, valid, and bare (a roster holds accounts, not resources).
std::string contact_param(const json& params) {
    std::string jid = jid_param(params, "jid");
    if (jid.empty()) throw invalid("missing param \"jid\"");
    if (jid.find('/') != std::string::npos)
        throw invalid("\"jid\" must be a bare JID (no /resource): " + jid);
    return jid;
}

std::vector<std::string> groups_param(const json& params) {
    std::vector<std::string> groups = strings_param(params, "groups");
    for (const auto& group : groups)
        if (group.empty()) throw invalid("\"groups\" must not hold an empty name");
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    return groups;
}

XmppClient& connected(RosterPlugin& plugin, const std::string& profile) {
    XmppClient* client = plugin.connected_client(profile);
    if (!client)
        throw RpcError{rpc_error::kUnavailable,
                       "profile " + profile + " is not connected (see roost profile list)"};
    return *client;
}

RosterItem known_item(RosterPlugin& plugin, const std::string& profile, const std::string& jid) {
    auto item = plugin.item(profile, jid);
    if (!item) throw RpcError{rpc_error::kNotFound, jid + " is not in the roster of " + profile};
    return *item;
}

// Answers {"jid"} once the server accepted the change, its error otherwise.
RosterPlugin::Done answer_when_done(const Reply& reply, const std::string& jid) {
    return [reply, jid](std::optional<XmppError> error) {
        if (error)
            reply->error(to_rpc_error(*error));
        else
            reply->result(json{{"jid", jid}});
    };
}

void list(RosterPlugin& plugin, const json& params, const Reply& reply) {
    std::string profile = profile_param(plugin.host().xmpp(), params);
    json items = json::array(), requests = json::array();
    for (const auto& item : plugin.items(profile)) items.push_back(to_json(item));
    for (const auto& request : plugin.requests(profile)) requests.push_back(to_json(request));
    auto version = plugin.host().roster_store().version(profile);
    reply->result({{"profile", profile},
                   {"connected", plugin.connected_client(profile) != nullptr},
                   {"version", version ? json(*version) : json()},
                   {"items", items},
                   {"requests", requests}});
}

void add(RosterPlugin& plugin, const json& params, const Reply& reply) {
    std::string profile = profile_param(plugin.host().xmpp(), params);
    RosterItem item;
    item.jid = contact_param(params);
    item.name = string_param(params, "name");
    item.groups = groups_param(params);
    plugin.set_item(connected(plugin, profile), item, answer_when_done(reply, item.jid));
}

void rename(RosterPlugin& plugin, const json& params, const Reply& reply) {
    std::string profile = profile_param(plugin.host().xmpp(), params);
    XmppClient& client = connected(plugin, profile);
    if (!params.contains("name")) throw invalid("missing param \"name\" (\"\" removes the name)");
    RosterItem item = known_item(plugin, profile, contact_param(params));
    item.name = string_param(params, "name");
    plugin.set_item(client, item, answer_when_done(reply, item.jid));
}

void set_groups(RosterPlugin& plugin, const json& params, const Reply& reply) {
    std::string profile = profile_param(plugin.host().xmpp(), params);
    XmppClient& client = connected(plugin, profile);
    if (!params.contains("groups")) throw invalid("missing param \"groups\" ([] for none)");
    RosterItem item = known_item(plugin, profile, contact_param(params));
    item.groups = groups_param(params);
    plugin.set_item(client, item, answer_when_done(reply, item.jid));
}

void remove(RosterPlugin& plugin, const json& params, const Reply& reply) {
    std::string profile = profile_param(plugin.host().xmpp(), params);
    XmppClient& client = connected(plugin, profile);
    std::string jid = known_item(plugin, profile, contact_param(params)).jid;
    plugin.remove_item(client, jid, answer_when_done(reply, jid));
}

// Presence subscriptions have no answer of their own: sent is done.
void send_presence(RosterPlugin& plugin, const json& params, const Reply& reply, const char* type) {
    std::string profile = profile_param(plugin.host().xmpp(), params);
    XmppClient& client = connected(plugin, profile);
    std::string jid = contact_param(params);
    plugin.send_subscription(client, jid, type, string_param(params, "message"));
    reply->result(json{{"jid", jid}});
}

void subscribe(RosterPlugin& plugin, const json& params, const Reply& reply) {
    send_presence(plugin, params, reply, "subscribe");
}

void approve(RosterPlugin& plugin, const json& params, const Reply& reply) {
    send_presence(plugin, params, reply, "subscribed");
}

void deny(RosterPlugin& plugin, const json& params, const Reply& reply) {
    send_presence(plugin, params, reply, "unsubscribed");
}

void cancel(RosterPlugin& plugin, const json& params, const Reply& reply) {
    send_presence(plugin, params, reply, "unsubscribe");
}

const std::pair<const char*, Handler> kMethods[] = {
    {"roster.list", list},         {"roster.add", add},       {"roster.rename", rename},
    {"roster.groups", set_groups}, {"roster.remove", remove}, {"roster.subscribe", subscribe},
    {"roster.approve", approve},   {"roster.deny", deny},     {"roster.cancel", cancel},
};

}  // namespace

void register_methods(RosterPlugin& plugin) { add_methods(plugin.host().ipc(), plugin, kMethods); }

void unregister_methods(RosterPlugin& plugin) { remove_methods(plugin.host().ipc(), kMethods); }

}  // namespace roost::roster

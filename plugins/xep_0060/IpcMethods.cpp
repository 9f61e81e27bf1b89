// SPDX-License-Identifier: MIT
// IpcMethods: JSON params in, PubsubPlugin calls, JSON answers out.
#include "IpcMethods.hpp"

#include "PubsubPlugin.hpp"
#include "roost/IpcParams.hpp"
#include "roost/ProfileParam.hpp"
#include "roost/PubsubJson.hpp"
#include "roost/Xml.hpp"

#include <pugixml.hpp>

#include <memory>

namespace roost::xep0060 {
namespace {

using nlohmann::json;
using Reply = std::shared_ptr<RpcReply>;
using Handler = void (*)(PubsubPlugin&, const json&, const Reply&);
using namespace ipc_params;

// {"var": "value"} or {"var": ["value", ...]}; booleans and numbers as their text.
Fields fields_param(const json& params, const char* name) {
    Fields fields;
    if (!params.contains(name)) return fields;
    if (!params[name].is_object()) throw invalid(std::string("\"") + name + "\" must be an object");
    for (const auto& [var, value] : params[name].items()) {
        for (const auto& v : value.is_array() ? value : json::array({value})) {
            if (v.is_string())
                fields[var].push_back(v.get<std::string>());
            else if (v.is_boolean())
                fields[var].push_back(v.get<bool>() ? "1" : "0");
            else if (v.is_number_integer())
                fields[var].push_back(std::to_string(v.get<long>()));
            else
                throw invalid("field \"" + var + "\" must be a string, a boolean or an integer");
        }
    }
    return fields;
}

// A profile that exists (roost/ProfileParam.hpp) and is connected, and a service and node
// that are valid: nothing invalid goes out to the server.
Target target_param(PubsubPlugin& plugin, const json& params, bool node_required = true) {
    if (!params.is_object()) throw invalid("params must be an object");
    Target target{profile_param(plugin.host().xmpp(), params), jid_param(params, "service"),
                  node_param(params, node_required)};
    if (!plugin.client(target.profile))
        throw RpcError{rpc_error::kUnavailable,
                       "profile " + target.profile + " is not connected (see roost profile list)"};
    return target;
}

// The payload as one well-formed element, re-serialised so no declaration slips in;
// its whitespace, entities and characters are kept (roost::load_xml).
std::string payload_param(const json& params) {
    std::string text = string_param(params, "payload", true);
    pugi::xml_document document;
    auto parsed = load_xml(document, text);
    if (!parsed)
        throw invalid(std::string("payload is not well-formed XML: ") + parsed.description());
    int elements = 0;
    for (pugi::xml_node child : document.children()) elements += child.type() == pugi::node_element;
    if (elements != 1) throw invalid("payload must be exactly one XML element");
    return to_xml(document.document_element());
}

json to_json(const Subscription& s) {
    return {{"node", s.node}, {"jid", s.jid}, {"subid", s.subid}, {"subscription", s.state}};
}

pubsub::DoneCallback done_reply(const Reply& reply) {
    return [reply](std::optional<XmppError> error) {
        if (error)
            reply->error(to_rpc_error(*error));
        else
            reply->result({{"done", true}});
    };
}

template <class T, class ToJson>
ResultCallback<T> result_reply(const Reply& reply, ToJson to) {
    return [reply, to](T value, std::optional<XmppError> error) {
        if (error)
            reply->error(to_rpc_error(*error));
        else
            reply->result(to(value));
    };
}

void get(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    Target target = target_param(plugin, params);
    auto request = pubsub::items_query_param(params);
    request.profile = target.profile;
    request.service = target.service;
    request.node = target.node;
    plugin.get_items(std::move(request), [reply](pubsub::GetItemsAnswer answer) {
        if (answer.error)
            reply->error(to_rpc_error(*answer.error));
        else
            reply->result(pubsub::items_page_json(answer.page));
    });
}

void publish(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    Target target = target_param(plugin, params);
    plugin.publish(target, string_param(params, "item"), payload_param(params),
                   fields_param(params, "options"),
                   result_reply<std::string>(reply, [](const std::string& id) {
                       return json{{"item", id}};
                   }));
}

void retract(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    Target target = target_param(plugin, params);
    auto ids = strings_param(params, "items");
    for (const auto& id : strings_param(params, "item")) ids.push_back(id);
    if (ids.empty()) throw invalid("missing param \"item\" (or \"items\")");
    plugin.retract(target, ids, done_reply(reply));
}

void subscribe(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    plugin.subscribe_with_answer(target_param(plugin, params),
                                 result_reply<Subscription>(reply, [](const Subscription& s) {
                                     return json{{"subscription", to_json(s)}};
                                 }));
}

void unsubscribe(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    Target target = target_param(plugin, params);
    plugin.unsubscribe(target.profile, target.service, target.node, done_reply(reply));
}

void subscriptions(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    plugin.subscriptions(target_param(plugin, params, false),
                         result_reply<std::vector<Subscription>>(reply, [](const auto& all) {
                             json list = json::array();
                             for (const auto& s : all) list.push_back(to_json(s));
                             return list;
                         }));
}

void node_create(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    plugin.create_node(target_param(plugin, params), fields_param(params, "config"),
                       done_reply(reply));
}

void node_delete(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    plugin.delete_node(target_param(plugin, params), done_reply(reply));
}

void node_purge(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    plugin.purge_node(target_param(plugin, params), done_reply(reply));
}

void node_config_get(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    plugin.configuration(target_param(plugin, params),
                         result_reply<Fields>(reply, [](const Fields& f) {
                             return json{{"config", f}};
                         }));
}

void node_config_set(PubsubPlugin& plugin, const json& params, const Reply& reply) {
    Target target = target_param(plugin, params);
    Fields config = fields_param(params, "config");
    if (config.empty()) throw invalid("missing param \"config\" (an object of fields)");
    plugin.configure(target, config, done_reply(reply));
}

const std::pair<const char*, Handler> kMethods[] = {
    {"pubsub.get", get},
    {"pubsub.publish", publish},
    {"pubsub.retract", retract},
    {"pubsub.subscribe", subscribe},
    {"pubsub.unsubscribe", unsubscribe},
    {"pubsub.subscriptions", subscriptions},
    {"pubsub.node.create", node_create},
    {"pubsub.node.delete", node_delete},
    {"pubsub.node.purge", node_purge},
    {"pubsub.node.config.get", node_config_get},
    {"pubsub.node.config.set", node_config_set},
};

}  // namespace

void register_ipc_methods(PubsubPlugin& plugin) {
    add_methods(plugin.host().ipc(), plugin, kMethods);
}

void unregister_ipc_methods(PubsubPlugin& plugin) { remove_methods(plugin.host().ipc(), kMethods); }

RpcError to_rpc_error(const XmppError& error) { return pubsub::rpc_error_of(error); }

}  // namespace roost::xep0060

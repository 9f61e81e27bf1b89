// SPDX-License-Identifier: MIT
// Reading a JSON-RPC method's params in a plugin: typed getters that answer a bad
// param with an invalid-params error naming it, and one way to add a table of methods.
#pragma once

#include "roost/Ipc.hpp"
#include "roost/Jid.hpp"
#include "roost/Xmpp.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace roost::ipc_params {

inline RpcError invalid(const std::string& message) { return {rpc_error::kInvalidParams, message}; }

// Absent and null are the same: not given.
inline std::optional<std::string> optional_string(const nlohmann::json& params, const char* name) {
    if (!params.contains(name) || params[name].is_null()) return std::nullopt;
    if (!params[name].is_string()) throw invalid(std::string("\"") + name + "\" must be a string");
    return params[name].get<std::string>();
}

inline std::string string_param(const nlohmann::json& params, const char* name,
                                bool required = false) {
    auto value = optional_string(params, name);
    if (!value && required) throw invalid(std::string("missing param \"") + name + "\"");
    return value.value_or("");
}

// A JID, refused here when invalid so that it never reaches a server; absent or ""
// is not given and gives "" (e.g. a profile's own PEP service).
inline std::string jid_param(const nlohmann::json& params, const char* name) {
    std::string value = string_param(params, name);
    if (value.empty()) return value;
    if (auto problem = jid_problem(value))
        throw invalid(std::string("\"") + name + "\" is not a valid JID: " + *problem);
    return value;
}

// A node name: a required one may not be empty (no server has a node ""); an optional
// one given as "" is not given.
inline std::string node_param(const nlohmann::json& params, bool required) {
    auto value = optional_string(params, "node");
    if (required && !value) throw invalid("missing param \"node\"");
    if (required && value->empty()) throw invalid("\"node\" must not be empty");
    return value.value_or("");
}

inline std::optional<int> int_param(const nlohmann::json& params, const char* name) {
    if (!params.contains(name) || params[name].is_null()) return std::nullopt;
    const auto& value = params[name];
    if (!value.is_number_integer() || value.get<long long>() < 0 ||
        value.get<long long>() > std::numeric_limits<int>::max())
        throw invalid(std::string("\"") + name + "\" must be a non-negative integer");
    return value.get<int>();
}

// One string or an array of strings.
inline std::vector<std::string> strings_param(const nlohmann::json& params, const char* name) {
    std::vector<std::string> values;
    if (!params.contains(name) || params[name].is_null()) return values;
    if (params[name].is_string()) return {params[name].get<std::string>()};
    if (!params[name].is_array()) throw invalid(std::string("\"") + name + "\" must be an array");
    for (const auto& value : params[name]) {
        if (!value.is_string()) throw invalid(std::string("\"") + name + "\" must hold strings");
        values.push_back(value.get<std::string>());
    }
    return values;
}

// A failed XMPP request as a method's error: item-not-found -> kNotFound, a lost
// connection -> kUnavailable, else kRemoteError; data: {kind, condition, type, text}.
inline RpcError to_rpc_error(const XmppError& error) {
    static const char* const kinds[] = {"remote", "timeout", "disconnected", "malformed"};
    nlohmann::json data = {{"kind", kinds[static_cast<int>(error.kind)]},
                           {"condition", error.condition},
                           {"type", error.type},
                           {"text", error.text}};
    int code = rpc_error::kRemoteError;
    if (error.kind == XmppError::Kind::Disconnected)
        code = rpc_error::kUnavailable;
    else if (error.kind == XmppError::Kind::Remote && error.condition == "item-not-found")
        code = rpc_error::kNotFound;
    return {code, error.message(), data};
}

// Adds every {name, handler} of `methods`; a handler is called as
// handler(target, params, reply) with params always an object.
template <typename Target, typename Methods>
void add_methods(Ipc& ipc, Target& target, const Methods& methods) {
    for (const auto& method : methods) {
        auto handler = method.second;
        ipc.add_method(method.first, [&target, handler](const nlohmann::json& params,
                                                        std::shared_ptr<RpcReply> reply) {
            if (!params.is_null() && !params.is_object()) throw invalid("params must be an object");
            handler(target, params.is_null() ? nlohmann::json::object() : params, reply);
        });
    }
}

template <typename Methods>
void remove_methods(Ipc& ipc, const Methods& methods) {
    for (const auto& method : methods) ipc.remove_method(method.first);
}

}  // namespace roost::ipc_params

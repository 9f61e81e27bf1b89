// SPDX-License-Identifier: MIT
// JsonRpc: the checks follow the JSON-RPC 2.0 specification, section 4: a request
// is an object with "jsonrpc": "2.0", a string "method", optional structured
// "params", and an optional string, number or null "id".
#include "src/ipc/JsonRpc.hpp"

namespace roost::ipc {
namespace {

using nlohmann::json;

bool is_valid_id(const json& id) { return id.is_string() || id.is_number() || id.is_null(); }

RpcError invalid(std::string why) { return RpcError{rpc_error::kInvalidRequest, std::move(why)}; }

}  // namespace

json make_request(const json& id, const std::string& method, const json& params) {
    json message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null()) message["params"] = params;
    return message;
}

json make_result(const json& id, json value) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(value)}};
}

json make_error(const json& id, const RpcError& error) {
    json body = {{"code", error.code}, {"message", error.message}};
    if (!error.data.is_null()) body["data"] = error.data;
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(body)}};
}

json make_notification(const std::string& method, json params) {
    return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

std::string encode_line(const json& message) {
    return message.dump(-1, ' ', false, json::error_handler_t::replace) + '\n';
}

Request parse_request(json&& message) {
    if (message.is_array()) throw invalid("batch requests are not supported");
    if (!message.is_object()) throw invalid("a request must be a JSON object");
    auto version = message.find("jsonrpc");
    if (version == message.end() || *version != "2.0") throw invalid("\"jsonrpc\" must be \"2.0\"");
    auto method = message.find("method");
    if (method == message.end() || !method->is_string())
        throw invalid("\"method\" must be a string");
    Request request{method->get<std::string>(), nullptr, std::nullopt};
    if (auto params = message.find("params"); params != message.end()) {
        if (!params->is_object() && !params->is_array())
            throw invalid("\"params\" must be an object or an array");
        request.params = std::move(*params);
    }
    if (auto id = message.find("id"); id != message.end()) {
        if (!is_valid_id(*id)) throw invalid("\"id\" must be a string, a number or null");
        request.id = *id;
    }
    return request;
}

json request_id(const json& message) {
    if (!message.is_object()) return nullptr;
    auto id = message.find("id");
    if (id == message.end() || !is_valid_id(*id)) return nullptr;
    return *id;
}

}  // namespace roost::ipc

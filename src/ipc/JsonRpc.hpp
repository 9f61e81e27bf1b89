// SPDX-License-Identifier: MIT
// JsonRpc: building, encoding and checking JSON-RPC 2.0 messages, shared by the
// IPC server and client so both sides speak exactly the same wire format.
#pragma once

#include "roost/Ipc.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace roost::ipc {

// A request as the server dispatches it; `id` is empty for a notification.
struct Request {
    std::string method;
    nlohmann::json params;  // object, array, or null when absent
    std::optional<nlohmann::json> id;
};

nlohmann::json make_request(const nlohmann::json& id, const std::string& method,
                            const nlohmann::json& params);
nlohmann::json make_result(const nlohmann::json& id, nlohmann::json value);
nlohmann::json make_error(const nlohmann::json& id, const RpcError& error);
nlohmann::json make_notification(const std::string& method, nlohmann::json params);

// One frame of the wire format: compact JSON then "\n". Invalid UTF-8 in strings
// is replaced rather than thrown about, so any answer can be sent.
std::string encode_line(const nlohmann::json& message);

// Throws RpcError(kInvalidRequest) when `message` is not a JSON-RPC 2.0 request. Takes
// its params (a rule may be 80 KB of JSON); the rest, the id included, stays.
Request parse_request(nlohmann::json&& message);
// The id to answer an invalid request with: its own when usable, else null.
nlohmann::json request_id(const nlohmann::json& message);

}  // namespace roost::ipc

// SPDX-License-Identifier: MIT
// IPC as plugins see it: JSON-RPC 2.0 methods they add to the daemon's socket,
// and notifications they push to clients that subscribed to a topic.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

namespace roost {

// JSON-RPC 2.0 error codes, plus Roost's own in the server-defined range.
namespace rpc_error {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kNotFound = -32001;     // no such profile, node, item...
inline constexpr int kUnavailable = -32002;  // not connected, plugin stopped...
inline constexpr int kRemoteError = -32003;  // the XMPP server answered with an error
}  // namespace rpc_error

// Thrown by a method (synchronously) to answer with that error.
struct RpcError {
    int code;
    std::string message;
    nlohmann::json data = nullptr;
};

// How a method answers, now or later; the first answer wins and later ones are
// dropped. Answering after the client left is harmless. Copyable.
class RpcReply {
public:
    virtual ~RpcReply() = default;
    virtual void result(nlohmann::json value) = 0;
    virtual void error(RpcError error) = 0;
    // Subscribes the client that sent the request to `topic`, or unsubscribes it, as
    // rpc.subscribe and rpc.unsubscribe do: for methods that are subscriptions.
    virtual void set_subscription(const std::string& topic, bool subscribed) = 0;
};

// params is the request's "params" (an object, an array, or null when absent).
using RpcMethod =
    std::function<void(const nlohmann::json& params, std::shared_ptr<RpcReply> reply)>;

// Reactor thread only.
class Ipc {
public:
    virtual ~Ipc() = default;
    // Names are dotted lower-case ("pubsub.get"); adding a taken name throws.
    virtual void add_method(const std::string& name, RpcMethod method) = 0;
    virtual void remove_method(const std::string& name) = 0;
    // Sends {"jsonrpc":"2.0","method":"notify","params":{"topic":..,"data":..}} to
    // every client that subscribed to `topic`.
    virtual void notify(const std::string& topic, const nlohmann::json& data) = 0;
};

}  // namespace roost

// SPDX-License-Identifier: MIT
// IpcClient: a small blocking JSON-RPC client of roostd's socket, for the roost CLI
// and for tests. One request at a time; notifications are queued while it waits.
#pragma once

#include "src/ipc/LineBuffer.hpp"
#include "src/reactor/Fd.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace roost::ipc {

// Anything that kept a call from getting its answer.
class IpcClientError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Nobody listens on the socket: "roostd is not running (no socket at PATH)".
class DaemonNotRunning : public IpcClientError {
public:
    using IpcClientError::IpcClientError;
};

class IpcTimeout : public IpcClientError {
public:
    using IpcClientError::IpcClientError;
};

// The daemon answered with a JSON-RPC error; what() is its message.
class IpcCallError : public IpcClientError {
public:
    IpcCallError(int code, const std::string& message, nlohmann::json data)
        : IpcClientError(message), code_(code), data_(std::move(data)) {}
    int code() const { return code_; }
    const nlohmann::json& data() const { return data_; }

private:
    int code_;
    nlohmann::json data_;
};

// A "notify" notification: IpcServer::notify(topic, data) on the daemon's side.
struct IpcNotification {
    std::string topic;
    nlohmann::json data;
};

class IpcClient {
public:
    static constexpr std::chrono::milliseconds kDefaultTimeout{30000};
    // The daemon's messages can be far larger than its requests (a cached node).
    static constexpr std::size_t kMaxMessageBytes = 256 * 1024 * 1024;

    // Connects; throws DaemonNotRunning when nobody listens at `socket_path`, and
    // IpcClientError for anything else (permissions...).
    explicit IpcClient(const std::filesystem::path& socket_path);

    // The method's result; throws IpcCallError, IpcTimeout, or IpcClientError when
    // the connection is lost. params: an object, an array, or null for none.
    nlohmann::json call(const std::string& method, const nlohmann::json& params = nullptr,
                        std::chrono::milliseconds timeout = kDefaultTimeout);
    void subscribe(const std::vector<std::string>& topics,
                   std::chrono::milliseconds timeout = kDefaultTimeout);
    void unsubscribe(const std::vector<std::string>& topics,
                     std::chrono::milliseconds timeout = kDefaultTimeout);
    // The next notification of a subscribed topic; nullopt when none came in time.
    std::optional<IpcNotification> next_notification(std::chrono::milliseconds timeout);

private:
    using Clock = std::chrono::steady_clock;

    void send_line(const std::string& line);
    // The next message, read until `deadline`; nullopt when it passes first.
    std::optional<nlohmann::json> receive(Clock::time_point deadline);
    // Queues it when it is a notification; true when it was one.
    bool queue_notification(const nlohmann::json& message);

    std::filesystem::path socket_path_;
    reactor::Fd fd_;
    LineBuffer input_{kMaxMessageBytes};
    std::deque<IpcNotification> notifications_;
    std::int64_t next_id_ = 1;
};

}  // namespace roost::ipc

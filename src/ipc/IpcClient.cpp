// SPDX-License-Identifier: MIT
// IpcClient: blocking writes, and reads bounded by poll(2) so that every wait has a
// deadline. Answers to earlier calls that timed out are recognised by id and skipped.
#include "src/ipc/IpcClient.hpp"

#include "src/ipc/JsonRpc.hpp"
#include "src/ipc/UnixSocket.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace roost::ipc {
namespace {

using nlohmann::json;

reactor::Fd connect_to_daemon(const std::filesystem::path& path) {
    try {
        return connect_unix(path);
    } catch (const std::system_error& e) {
        if (e.code().value() == ENOENT)
            throw DaemonNotRunning("roostd is not running (no socket at " + path.string() + ")");
        if (e.code().value() == ECONNREFUSED)
            throw DaemonNotRunning("roostd is not running (nobody listens on " + path.string() +
                                   ")");
        throw IpcClientError("cannot connect to roostd at " + path.string() + ": " +
                             e.code().message());
    }
}

std::string describe(std::chrono::milliseconds timeout) {
    return std::to_string(timeout.count()) + " ms";
}

}  // namespace

IpcClient::IpcClient(const std::filesystem::path& socket_path)
    : socket_path_(socket_path), fd_(connect_to_daemon(socket_path)) {}

json IpcClient::call(const std::string& method, const json& params,
                     std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    auto id = next_id_++;
    send_line(encode_line(make_request(id, method, params)));
    for (;;) {
        auto message = receive(deadline);
        if (!message)
            throw IpcTimeout("roostd did not answer " + method + " within " + describe(timeout));
        if (queue_notification(*message)) continue;
        if (!message->is_object() || message->value("id", json()) != id) continue;
        auto error = message->find("error");
        if (error != message->end() && !error->is_object())
            throw IpcClientError("roostd answered " + method + " with a malformed error");
        if (error != message->end())
            throw IpcCallError(error->value("code", 0), error->value("message", "unknown error"),
                               error->value("data", json()));
        return message->value("result", json());
    }
}

void IpcClient::subscribe(const std::vector<std::string>& topics,
                          std::chrono::milliseconds timeout) {
    call("rpc.subscribe", {{"topics", topics}}, timeout);
}

void IpcClient::unsubscribe(const std::vector<std::string>& topics,
                            std::chrono::milliseconds timeout) {
    call("rpc.unsubscribe", {{"topics", topics}}, timeout);
}

std::optional<IpcNotification> IpcClient::next_notification(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (notifications_.empty()) {
        auto message = receive(deadline);
        if (!message) return std::nullopt;
        queue_notification(*message);  // anything else answers a call that gave up
    }
    auto notification = std::move(notifications_.front());
    notifications_.pop_front();
    return notification;
}

void IpcClient::send_line(const std::string& line) {
    std::size_t sent = 0;
    while (sent < line.size()) {
        ssize_t n = ::send(fd_.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            throw IpcClientError("lost the connection to roostd: " +
                                 std::string(std::strerror(errno)));
        sent += static_cast<std::size_t>(n);
    }
}

std::optional<json> IpcClient::receive(Clock::time_point deadline) {
    for (;;) {
        if (auto line = input_.next_line()) {
            if (line->empty()) continue;
            try {
                return json::parse(*line);
            } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e999
                throw IpcClientError(std::string("roostd sent malformed JSON: ") + e.what());
            }
        }
        if (input_.overflowed()) throw IpcClientError("roostd sent a message over the size limit");
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd ready{fd_.get(), POLLIN, 0};
        int polled = ::poll(&ready, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
        if (polled < 0 && errno == EINTR) continue;
        if (polled < 0) throw std::system_error(errno, std::generic_category(), "poll");
        if (polled == 0) return std::nullopt;
        char chunk[64 * 1024];
        ssize_t got = ::recv(fd_.get(), chunk, sizeof chunk, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0)
            throw IpcClientError("roostd closed the connection (" + socket_path_.string() + ")");
        input_.append({chunk, static_cast<std::size_t>(got)});
    }
}

bool IpcClient::queue_notification(const json& message) {
    if (!message.is_object() || !message.contains("method")) return false;
    if (message["method"] != "notify") return true;  // no other kind exists yet: ignore it
    const auto& params = message.value("params", json::object());
    if (!params.is_object()) return true;
    notifications_.push_back({params.value("topic", ""), params.value("data", json())});
    return true;
}

}  // namespace roost::ipc

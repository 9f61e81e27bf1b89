// SPDX-License-Identifier: MIT
// IpcServer: accepts clients of our uid only, parses each line, dispatches it to a
// method, and routes answers back through replies that outlive nothing.
#include "src/ipc/IpcServer.hpp"

#include "src/ipc/JsonRpc.hpp"
#include "src/ipc/UnixSocket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace roost::ipc {
namespace {

using nlohmann::json;

constexpr std::string_view kReservedPrefix = "rpc.";
constexpr std::string_view kSubscribe = "rpc.subscribe";
constexpr std::string_view kUnsubscribe = "rpc.unsubscribe";
// Out of file descriptors: retry accepting after a pause instead of spinning.
constexpr std::chrono::milliseconds kAcceptPause{100};

// Answers on the connection the request came from, once; a no-op when the request
// was a notification or the client has gone.
class ConnectionReply final : public RpcReply {
public:
    ConnectionReply(std::weak_ptr<IpcConnection> connection, std::optional<json> id)
        : connection_(std::move(connection)), id_(std::move(id)) {}

    void result(json value) override {
        if (claim()) send(make_result(*id_, std::move(value)));
    }
    void error(RpcError error) override {
        if (claim()) send(make_error(*id_, error));
    }
    void set_subscription(const std::string& topic, bool subscribed) override {
        auto connection = connection_.lock();
        if (!connection) return;
        if (subscribed)
            connection->topics().insert(topic);
        else
            connection->topics().erase(topic);
    }

private:
    bool claim() { return !std::exchange(answered_, true) && id_; }
    void send(const json& message) {
        if (auto connection = connection_.lock()) connection->send(encode_line(message));
    }

    std::weak_ptr<IpcConnection> connection_;
    std::optional<json> id_;
    bool answered_ = false;
};

void call(const std::string& name, const RpcMethod& method, const json& params,
          const std::shared_ptr<RpcReply>& reply) {
    try {
        method(params, reply);
    } catch (const RpcError& e) {
        reply->error(e);
    } catch (const json::exception& e) {
        reply->error({rpc_error::kInvalidParams, std::string("Invalid params: ") + e.what()});
    } catch (const std::exception& e) {
        spdlog::warn("ipc: method {} failed: {}", name, e.what());
        reply->error({rpc_error::kInternalError, e.what()});
    } catch (...) {
        spdlog::warn("ipc: method {} failed with an unknown exception", name);
        reply->error({rpc_error::kInternalError, "Internal error"});
    }
}

}  // namespace

IpcServer::IpcServer(reactor::Reactor& reactor, std::filesystem::path socket_path,
                     IpcServerOptions options)
    : reactor_(reactor),
      socket_path_(std::move(socket_path)),
      options_(options),
      allowed_uid_(options.allowed_uid.value_or(::geteuid())) {
    if (socket_path_.has_parent_path()) prepare_socket_directory(socket_path_.parent_path());
    listener_ = listen_unix(socket_path_);
    struct stat info {};
    if (::stat(socket_path_.c_str(), &info) == 0) {
        socket_device_ = info.st_dev;
        socket_inode_ = info.st_ino;
    }
    listener_watch_ = reactor_.watch(listener_.get(), POLLIN, [this](short) { accept_clients(); });
    spdlog::info("ipc: listening on {}", socket_path_.string());
}

IpcServer::~IpcServer() {
    reactor_.unwatch(listener_watch_);
    if (accept_pause_) reactor_.cancel_timer(*accept_pause_);
    connections_.clear();
    listener_.reset();
    // Another server may have replaced the file since; only ours is removed.
    struct stat info {};
    if (::stat(socket_path_.c_str(), &info) == 0 && info.st_dev == socket_device_ &&
        info.st_ino == socket_inode_)
        ::unlink(socket_path_.c_str());
}

void IpcServer::add_method(const std::string& name, RpcMethod method) {
    if (name.starts_with(kReservedPrefix))
        throw std::invalid_argument("IPC method " + name + ": the rpc. prefix is reserved");
    if (!methods_.emplace(name, std::move(method)).second)
        throw std::invalid_argument("IPC method " + name + " is already registered");
}

void IpcServer::remove_method(const std::string& name) { methods_.erase(name); }

void IpcServer::notify(const std::string& topic, const json& data) {
    // A snapshot: sending may drop a slow client, which removes it from connections_.
    std::vector<std::shared_ptr<IpcConnection>> subscribers;
    for (const auto& [id, connection] : connections_)
        if (connection->topics().contains(topic)) subscribers.push_back(connection);
    if (subscribers.empty()) return;
    auto line = encode_line(make_notification("notify", {{"topic", topic}, {"data", data}}));
    for (const auto& connection : subscribers) connection->send(line);
}

void IpcServer::accept_clients() {
    for (;;) {
        reactor::Fd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (fd) {
            admit(std::move(fd));
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        spdlog::error("ipc: cannot accept a client on {}: {}", socket_path_.string(),
                      std::strerror(errno));
        return pause_accepting();
    }
}

void IpcServer::pause_accepting() {
    reactor_.modify(listener_watch_, 0);
    accept_pause_ = reactor_.add_timer(kAcceptPause, [this] {
        accept_pause_.reset();
        reactor_.modify(listener_watch_, POLLIN);
    });
}

void IpcServer::admit(reactor::Fd fd) {
    auto uid = peer_uid(fd.get());
    if (!uid || *uid != allowed_uid_) {
        spdlog::warn("ipc: refused a connection from uid {} on {}: only uid {} may connect",
                     uid ? std::to_string(*uid) : "unknown", socket_path_.string(), allowed_uid_);
        return;  // closing fd hangs up on it
    }
    auto id = next_connection_id_++;
    IpcConnection::Limits limits{options_.max_request_bytes, options_.max_backlog_bytes};
    IpcConnection::Handlers handlers{
        [this](IpcConnection& connection, const std::string& line) {
            handle_line(connection, line);
        },
        [this](IpcConnection& connection) { refuse_oversized(connection); },
        [this](IpcConnection& connection) { connections_.erase(connection.id()); },
    };
    connections_.emplace(id, std::make_shared<IpcConnection>(reactor_, std::move(fd), id, limits,
                                                             std::move(handlers)));
}

void IpcServer::handle_line(IpcConnection& connection, const std::string& line) {
    json message;
    try {
        message = json::parse(line);
    } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e999
        RpcError error{rpc_error::kParseError, std::string("Parse error: ") + e.what()};
        return connection.send(encode_line(make_error(nullptr, error)));
    }
    Request request;
    try {
        request = parse_request(std::move(message));  // leaves the id for request_id()
    } catch (const RpcError& e) {
        return connection.send(encode_line(make_error(request_id(message), e)));
    }
    auto reply = std::make_shared<ConnectionReply>(connection.weak_from_this(), request.id);
    if (request.method == kSubscribe || request.method == kUnsubscribe) {
        bool subscribe = request.method == kSubscribe;
        RpcMethod change = [&](const json& params, std::shared_ptr<RpcReply> answer) {
            answer->result(change_subscriptions(connection, params, subscribe));
        };
        return call(request.method, change, request.params, reply);
    }
    auto found = methods_.find(request.method);
    if (found == methods_.end())
        return reply->error({rpc_error::kMethodNotFound, "Method not found: " + request.method});
    auto method = found->second;  // a copy: the method may remove itself
    call(request.method, method, request.params, reply);
}

void IpcServer::refuse_oversized(IpcConnection& connection) {
    spdlog::warn("ipc: client {} sent a request over {} bytes; closing it", connection.id(),
                 options_.max_request_bytes);
    auto limit = std::to_string(options_.max_request_bytes);
    RpcError error{rpc_error::kInvalidRequest, "Request too large (limit: " + limit + " bytes)"};
    connection.send(encode_line(make_error(nullptr, error)));
    connection.close_after_flush();
}

json IpcServer::change_subscriptions(IpcConnection& connection, const json& params,
                                     bool subscribe) {
    RpcError invalid{rpc_error::kInvalidParams, "params must be {\"topics\": [strings]}"};
    if (!params.is_object() || !params.contains("topics") || !params["topics"].is_array())
        throw invalid;
    for (const auto& topic : params["topics"])
        if (!topic.is_string()) throw invalid;
    for (const auto& topic : params["topics"]) {
        if (subscribe)
            connection.topics().insert(topic.get<std::string>());
        else
            connection.topics().erase(topic.get<std::string>());
    }
    return {{"topics", connection.topics()}};
}

}  // namespace roost::ipc

// SPDX-License-Identifier: MIT
// IpcServer: the daemon's JSON-RPC 2.0 server on a Unix stream socket, one JSON
// message per line (doc/ipc.md). Plugins see it through roost::Ipc.
#pragma once

#include "roost/Ipc.hpp"
#include "src/ipc/IpcConnection.hpp"
#include "src/reactor/Reactor.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace roost::ipc {

struct IpcServerOptions {
    static constexpr std::size_t kMaxRequestBytes = 1024 * 1024;
    static constexpr std::size_t kMaxBacklogBytes = 32 * 1024 * 1024;

    // The only uid allowed to connect; default: the server's effective uid.
    std::optional<uid_t> allowed_uid;
    // A longer request line is answered with kInvalidRequest, then the client closed.
    std::size_t max_request_bytes = kMaxRequestBytes;
    // A client that has more than this unread when more is to be sent is dropped.
    std::size_t max_backlog_bytes = kMaxBacklogBytes;
};

// Reactor thread only, like everything it calls: methods and replies run there.
//
// Requests are handled in the order they arrive on a connection. Notifications
// (requests without an id) are run and never answered. Batches (arrays) are
// refused with kInvalidRequest. A method answers through its RpcReply, now or
// later; throwing RpcError answers with that error, throwing a nlohmann::json
// exception (reading params that are not there) with kInvalidParams, throwing
// anything else with kInternalError.
//
// Built-in methods: rpc.subscribe and rpc.unsubscribe, params {"topics": [...]},
// answer {"topics": [every topic the client is now subscribed to]}.
class IpcServer final : public Ipc {
public:
    // Creates the socket's directory (0700) if needed, and listens. Throws
    // std::runtime_error on an unsafe directory or when another server listens.
    IpcServer(reactor::Reactor& reactor, std::filesystem::path socket_path,
              IpcServerOptions options = {});
    // Closes every client and removes the socket file.
    ~IpcServer() override;
    IpcServer(const IpcServer&) = delete;
    IpcServer& operator=(const IpcServer&) = delete;

    // Throws std::invalid_argument for a taken name or one in the reserved "rpc." space.
    void add_method(const std::string& name, RpcMethod method) override;
    void remove_method(const std::string& name) override;
    void notify(const std::string& topic, const nlohmann::json& data) override;

    const std::filesystem::path& socket_path() const { return socket_path_; }
    std::size_t client_count() const { return connections_.size(); }

private:
    void accept_clients();
    void pause_accepting();
    void admit(reactor::Fd fd);
    void handle_line(IpcConnection& connection, const std::string& line);
    void refuse_oversized(IpcConnection& connection);
    nlohmann::json change_subscriptions(IpcConnection& connection, const nlohmann::json& params,
                                        bool subscribe);

    reactor::Reactor& reactor_;
    std::filesystem::path socket_path_;
    IpcServerOptions options_;
    uid_t allowed_uid_;
    reactor::Fd listener_;
    dev_t socket_device_ = 0;  // identify our socket file, so that we only remove ours
    ino_t socket_inode_ = 0;
    reactor::WatchId listener_watch_ = 0;
    std::optional<reactor::TimerId> accept_pause_;
    std::map<std::string, RpcMethod> methods_;
    std::map<std::uint64_t, std::shared_ptr<IpcConnection>> connections_;
    std::uint64_t next_connection_id_ = 1;
};

}  // namespace roost::ipc

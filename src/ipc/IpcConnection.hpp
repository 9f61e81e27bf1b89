// SPDX-License-Identifier: MIT
// IpcConnection: one client of the IpcServer: its non-blocking socket, the lines it
// sends, and the lines queued for it until its socket can take them.
#pragma once

#include "src/ipc/LineBuffer.hpp"
#include "src/reactor/Reactor.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace roost::ipc {

// Reactor thread only. Always owned by a shared_ptr: replies hold weak_ptrs to it,
// and it keeps itself alive while its own callbacks run.
class IpcConnection : public std::enable_shared_from_this<IpcConnection> {
public:
    struct Limits {
        std::size_t max_line;     // longest request line accepted
        std::size_t max_backlog;  // most unread bytes a client may have when more come
    };
    struct Handlers {
        std::function<void(IpcConnection&, const std::string& line)> on_line;
        std::function<void(IpcConnection&)> on_oversized;  // reading has stopped
        std::function<void(IpcConnection&)> on_closed;     // called once
    };

    IpcConnection(reactor::Reactor& reactor, reactor::Fd fd, std::uint64_t id, Limits limits,
                  Handlers handlers);
    ~IpcConnection();
    IpcConnection(const IpcConnection&) = delete;
    IpcConnection& operator=(const IpcConnection&) = delete;

    std::uint64_t id() const { return id_; }
    bool closed() const { return closed_; }
    // Topics this client subscribed to, for IpcServer::notify.
    std::set<std::string>& topics() { return topics_; }

    // Queues one framed line and writes what the socket takes now; a client that
    // already has more than max_backlog bytes unread is dropped instead. No-op once closed.
    void send(std::string_view line);
    // Reads nothing more; closes once everything queued has been written.
    void close_after_flush();
    void close(const std::string& reason);

private:
    void on_ready(short revents);
    void read_available();
    void deliver_lines();
    // Writes what the socket takes now: the bytes written, or nullopt when it failed and
    // the connection closed.
    std::optional<std::size_t> write_some(std::string_view bytes);
    void flush();
    void update_events();

    reactor::Reactor& reactor_;
    reactor::Fd fd_;
    std::uint64_t id_;
    Limits limits_;
    Handlers handlers_;
    reactor::WatchId watch_;
    LineBuffer input_;
    std::string output_;
    std::size_t output_sent_ = 0;  // bytes of output_ already written
    bool reading_ = true;
    bool closed_ = false;
    std::set<std::string> topics_;
};

}  // namespace roost::ipc

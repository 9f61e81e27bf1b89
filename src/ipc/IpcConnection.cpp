// SPDX-License-Identifier: MIT
// IpcConnection: level-triggered reads and writes on the reactor. POLLOUT is asked
// for only while output is waiting, so an idle client costs nothing.
#include "src/ipc/IpcConnection.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

namespace roost::ipc {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
// Bounds the work done for one client per iteration, so others get their turn.
constexpr int kChunksPerWakeup = 16;

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

}  // namespace

IpcConnection::IpcConnection(reactor::Reactor& reactor, reactor::Fd fd, std::uint64_t id,
                             Limits limits, Handlers handlers)
    : reactor_(reactor),
      fd_(std::move(fd)),
      id_(id),
      limits_(limits),
      handlers_(std::move(handlers)),
      input_(limits.max_line) {
    // shared_from_this() is only called when an event arrives, after construction.
    watch_ = reactor_.watch(fd_.get(), POLLIN, [this](short revents) { on_ready(revents); });
}

IpcConnection::~IpcConnection() {
    if (!closed_) reactor_.unwatch(watch_);
}

void IpcConnection::send(std::string_view line) {
    if (closed_) return;
    // Judged by what it left unread before this line: one answer larger than the limit
    // (a large cached node) still goes out whole; more lines to a client that lets
    // them pile up do not.
    std::size_t waiting = output_.size() - output_sent_;
    if (waiting > limits_.max_backlog) {
        spdlog::warn("ipc: client {} dropped: it is not reading and {} bytes are waiting for it",
                     id_, waiting);
        return close("not reading");
    }
    if (waiting == 0) {
        // Straight from the caller's buffer: a notification to many clients is then
        // copied by the kernel alone, not first into each client's queue.
        auto sent = write_some(line);
        if (!sent) return;
        line.remove_prefix(*sent);
        if (line.empty()) return;
    }
    output_.append(line);  // the socket is full: the rest when it says POLLOUT
    update_events();
}

void IpcConnection::close_after_flush() {
    if (closed_) return;
    reading_ = false;
    if (output_sent_ == output_.size())
        close("done");
    else
        update_events();
}

void IpcConnection::close(const std::string& reason) {
    if (closed_) return;
    auto self = shared_from_this();  // on_closed may drop the owner's reference
    closed_ = true;
    reading_ = false;
    reactor_.unwatch(watch_);
    fd_.reset();
    output_.clear();
    output_sent_ = 0;
    spdlog::debug("ipc: client {} closed: {}", id_, reason);
    if (handlers_.on_closed) handlers_.on_closed(*this);
}

void IpcConnection::on_ready(short revents) {
    auto self = shared_from_this();
    if (revents & (POLLERR | POLLNVAL)) return close("socket error");
    if (revents & POLLOUT) flush();
    if (closed_) return;
    if (reading_ && (revents & (POLLIN | POLLHUP)))
        read_available();
    else if (revents & POLLHUP)
        close("hung up with output still waiting");
}

void IpcConnection::read_available() {
    char chunk[kChunkBytes];
    for (int i = 0; i < kChunksPerWakeup && reading_; ++i) {
        ssize_t got = ::recv(fd_.get(), chunk, sizeof chunk, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            if (!would_block(errno)) close(std::string("read: ") + std::strerror(errno));
            return;
        }
        if (got == 0) {
            if (input_.pending() > 0) spdlog::debug("ipc: client {} left mid-request", id_);
            return close_after_flush();
        }
        input_.append({chunk, static_cast<std::size_t>(got)});
        deliver_lines();
    }
}

void IpcConnection::deliver_lines() {
    while (reading_) {
        auto line = input_.next_line();
        if (!line) break;
        if (!line->empty()) handlers_.on_line(*this, *line);  // blank lines are keep-alives
    }
    if (!reading_ || !input_.overflowed()) return;
    reading_ = false;
    handlers_.on_oversized(*this);
}

std::optional<std::size_t> IpcConnection::write_some(std::string_view bytes) {
    std::size_t written = 0;
    while (written < bytes.size()) {
        ssize_t sent =
            ::send(fd_.get(), bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            if (would_block(errno)) break;
            close(std::string("write: ") + std::strerror(errno));
            return std::nullopt;
        }
        written += static_cast<std::size_t>(sent);
    }
    return written;
}

void IpcConnection::flush() {
    auto sent = write_some(std::string_view(output_).substr(output_sent_));
    if (!sent) return;
    output_sent_ += *sent;
    if (output_sent_ == output_.size()) {
        output_.clear();
        output_sent_ = 0;
    } else if (output_sent_ * 2 >= output_.size()) {
        output_.erase(0, output_sent_);
        output_sent_ = 0;
    }
    if (!reading_ && output_.empty()) return close("done");
    update_events();
}

void IpcConnection::update_events() {
    short events = (reading_ ? POLLIN : 0) | (output_.empty() ? 0 : POLLOUT);
    reactor_.modify(watch_, events);
}

}  // namespace roost::ipc

// SPDX-License-Identifier: MIT
// RecordingRelay: one poll() loop over the listening socket, a wake-up pipe and both sockets
// of every relayed connection. Writes block (loopback, test-sized traffic). A cut closes
// sockets with a zero linger time: the kernel sends a reset, as a broken line ends.
#include "tests/support/RecordingRelay.hpp"

#include "tests/support/Loopback.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

namespace roost::test {

namespace {

// Small writes leave at once, as they would on a direct line: with Nagle's algorithm a
// relayed request could wait for the ACK of the write before it (40 ms of delayed ACK).
void send_at_once(int fd) {
    int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

// A connected socket to 127.0.0.1:port, or -1.
int connect_to(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = loopback_address(port);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        send_at_once(fd);
        return fd;
    }
    if (fd >= 0) ::close(fd);
    return -1;
}

constexpr char kStop = 's';
constexpr char kCut = 'c';
constexpr char kPollAgain = 'p';  // restore() and stall_servers() change what serve() watches

void reset(int fd) {
    linger now{.l_onoff = 1, .l_linger = 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
    ::close(fd);
}

void wake(int fd, char why) {
    while (::write(fd, &why, 1) < 0 && errno == EINTR) {
    }
}

bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

// One relayed connection: bytes flow client -> server and server -> client until each
// direction's source reaches its end.
struct Connection {
    int client = -1, server = -1;
    bool from_client = true, from_server = true;  // directions still open
    int client_slot = -1, server_slot = -1;       // their sources' entries in the poll set

    bool done() const { return !from_client && !from_server; }
};

}  // namespace

RecordingRelay::RecordingRelay(int target_port) : target_port_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = loopback_address(0);
    socklen_t length = sizeof address;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::pipe2(wake_, O_CLOEXEC) != 0) {
        if (listen_fd_ >= 0) ::close(listen_fd_);
        throw std::runtime_error("RecordingRelay: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
}

RecordingRelay::~RecordingRelay() {
    wake(wake_[1], kStop);
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

std::string RecordingRelay::client_bytes() const {
    std::lock_guard lock(mutex_);
    return client_bytes_;
}

std::size_t RecordingRelay::server_byte_count() const {
    std::lock_guard lock(mutex_);
    return server_byte_count_;
}

int RecordingRelay::connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
}

void RecordingRelay::cut() {
    std::unique_lock lock(mutex_);
    cut_asked_ = true;
    wake(wake_[1], kCut);
    cut_done_.wait(lock, [this] { return !cut_asked_; });
}

void RecordingRelay::restore() {
    std::lock_guard lock(mutex_);
    holding_ = false;
    wake(wake_[1], kPollAgain);
}

void RecordingRelay::stall_servers() {
    std::lock_guard lock(mutex_);
    stalled_ = true;
    wake(wake_[1], kPollAgain);
}

void RecordingRelay::serve() {
    std::vector<Connection> connections;
    std::vector<char> buffer(64 * 1024);
    for (;;) {
        // [0] the wake-up pipe, [1] the listening socket, then each open direction's source.
        short accepting = 0;
        bool stalled = false;
        {
            std::lock_guard lock(mutex_);
            accepting = holding_ ? 0 : POLLIN;
            stalled = stalled_;
        }
        std::vector<pollfd> fds = {{wake_[0], POLLIN, 0}, {listen_fd_, accepting, 0}};
        auto watch = [&](int fd) {
            fds.push_back({fd, POLLIN, 0});
            return static_cast<int>(fds.size() - 1);
        };
        for (auto& c : connections) {
            c.client_slot = c.from_client ? watch(c.client) : -1;
            c.server_slot = c.from_server && !stalled ? watch(c.server) : -1;
        }
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[0].revents) {
            char why = kStop;
            if (::read(wake_[0], &why, 1) < 0 && errno == EINTR) continue;
            if (why == kPollAgain) continue;
            if (why != kCut) break;
            for (const auto& c : connections) {
                reset(c.client);
                reset(c.server);
            }
            connections.clear();
            std::lock_guard lock(mutex_);
            holding_ = true;
            stalled_ = false;
            cut_asked_ = false;
            cut_done_.notify_all();
            continue;
        }
        for (auto& c : connections) {
            // Reads what a source has and passes it on. At the source's end (or an error) the
            // destination hears the end too; a failed write ends the whole connection.
            auto relay = [&](int slot, int from, int to, bool& open, bool from_client) {
                if (slot < 0 || !open || !(fds[slot].revents & (POLLIN | POLLHUP | POLLERR)))
                    return;
                ssize_t n = ::recv(from, buffer.data(), buffer.size(), 0);
                if (n < 0 && errno == EINTR) return;
                if (n <= 0) {
                    ::shutdown(to, SHUT_WR);
                    open = false;
                    return;
                }
                {
                    std::lock_guard lock(mutex_);
                    if (from_client)
                        client_bytes_.append(buffer.data(), static_cast<std::size_t>(n));
                    else
                        server_byte_count_ += static_cast<std::size_t>(n);
                }
                if (!send_all(to, buffer.data(), static_cast<std::size_t>(n)))
                    c.from_client = c.from_server = false;
            };
            relay(c.client_slot, c.client, c.server, c.from_client, true);
            relay(c.server_slot, c.server, c.client, c.from_server, false);
            if (c.done()) {
                ::close(c.client);
                ::close(c.server);
            }
        }
        std::erase_if(connections, [](const Connection& c) { return c.done(); });
        if (fds[1].revents & POLLIN) {
            int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            int server = connect_to(target_port_);
            if (server < 0) {
                ::close(client);  // nothing to relay to: the client sees its end
                continue;
            }
            send_at_once(client);
            connections.push_back({.client = client, .server = server});
            std::lock_guard lock(mutex_);
            ++connections_;
        }
    }
    for (const auto& c : connections) {
        ::close(c.client);
        ::close(c.server);
    }
}

}  // namespace roost::test

// SPDX-License-Identifier: MIT
// Loopback helpers: plain POSIX sockets, each closed before returning.
#include "tests/support/Loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace roost::test {

namespace {

// Closes the socket however the function leaves.
struct Socket {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ~Socket() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

sockaddr_in loopback_address(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

int pick_free_port() {
    Socket s;
    if (s.fd < 0) throw std::runtime_error("pick_free_port: socket() failed");
    sockaddr_in address = loopback_address(0);
    if (::bind(s.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        throw std::runtime_error("pick_free_port: bind(127.0.0.1:0) failed");
    socklen_t length = sizeof address;
    if (::getsockname(s.fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("pick_free_port: getsockname() failed");
    return ntohs(address.sin_port);
}

bool port_accepts(int port) {
    Socket s;
    if (s.fd < 0) return false;
    sockaddr_in address = loopback_address(port);
    return ::connect(s.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

}  // namespace roost::test

// SPDX-License-Identifier: MIT
// RawIpcClient: blocking writes, and reads under poll() until a line or the deadline.
#include "tests/support/RawIpcClient.hpp"

#include "src/ipc/UnixSocket.hpp"

#include <poll.h>
#include <sys/socket.h>

namespace roost::test {

RawIpcClient::RawIpcClient(const std::filesystem::path& socket) : fd_(ipc::connect_unix(socket)) {}

bool RawIpcClient::send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd_.get(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

bool RawIpcClient::send_lines(std::initializer_list<std::string> lines) {
    for (const auto& line : lines)
        if (!send(line + "\n")) return false;
    return true;
}

std::optional<nlohmann::json> RawIpcClient::receive(std::chrono::milliseconds timeout) {
    for (;;) {
        if (auto line = input_.next_line()) return nlohmann::json::parse(*line);
        pollfd ready{fd_.get(), POLLIN, 0};
        if (::poll(&ready, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
        char chunk[65536];
        ssize_t got = ::recv(fd_.get(), chunk, sizeof chunk, 0);
        if (got <= 0) return std::nullopt;
        input_.append({chunk, static_cast<std::size_t>(got)});
    }
}

bool RawIpcClient::closed_by_server(std::chrono::milliseconds timeout) {
    pollfd ready{fd_.get(), POLLIN, 0};
    char byte;
    return ::poll(&ready, 1, static_cast<int>(timeout.count())) == 1 &&
           ::recv(fd_.get(), &byte, 1, 0) <= 0;
}

}  // namespace roost::test

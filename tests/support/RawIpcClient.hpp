// SPDX-License-Identifier: MIT
// RawIpcClient: a client of an IPC socket (roostd's, or a test's IpcServer) that speaks raw
// bytes, for what IpcClient would never send: pipelined requests, garbage, half requests,
// oversized lines.
#pragma once

#include "src/ipc/LineBuffer.hpp"
#include "src/reactor/Fd.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>

namespace roost::test {

class RawIpcClient {
public:
    explicit RawIpcClient(const std::filesystem::path& socket);

    // Writes every byte; false when the daemon closed the connection first.
    bool send(const std::string& bytes);
    // Each line with its newline, one write each; false as send().
    bool send_lines(std::initializer_list<std::string> lines);
    // The next message; nullopt on timeout or when the daemon hung up.
    std::optional<nlohmann::json> receive(
        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // True when the other side closes the connection within `timeout` (without sending
    // anything more first).
    bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(5));

private:
    reactor::Fd fd_;
    ipc::LineBuffer input_{64 * 1024 * 1024};
};

}  // namespace roost::test

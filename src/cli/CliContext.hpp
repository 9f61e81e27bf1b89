// SPDX-License-Identifier: MIT
// CliContext: what every `roost` command shares: the daemon's socket, --json,
// calling a method, and printing results for people or for scripts.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace roost::ipc {
class IpcClient;
}

namespace roost::cli {

// Exit codes of `roost`, stable for scripts (doc/cli.md).
enum Exit : int {
    kOk = 0,
    kFailed = 1,            // the daemon answered with an error
    kUsage = 2,             // bad command line
    kDaemonNotRunning = 3,  // nothing listens on the socket
    kNotFound = 4,          // no such profile, node, item
    kUnavailable = 5,       // e.g. the profile is not connected
};

// The help of --profile wherever a command acts on one profile; the rule itself is the
// daemon's (include/roost/ProfileParam.hpp).
inline constexpr const char* kProfileHelp =
    "profile (default: the only configured one; required when there are several)";

struct CliContext {
    std::filesystem::path socket;
    bool json = false;

    // Calls `method` on the daemon; errors become exceptions that main() turns
    // into a one-line message and an exit code. With --json an error is also
    // printed to stdout as {"error": {code, message, data}}.
    nlohmann::json call(const std::string& method, const nlohmann::json& params = nullptr) const;
    // The same on a connection the command keeps, e.g. to receive notifications on it.
    nlohmann::json call(ipc::IpcClient& client, const std::string& method,
                        const nlohmann::json& params = nullptr) const;

    // Prints `result` as JSON with --json, or through `human` otherwise.
    void print(const nlohmann::json& result,
               const std::function<void(const nlohmann::json&)>& human) const;
};

// Everything on stdin: a payload or a post's text given as "-".
std::string read_stdin();

// Runs a command body and maps every failure to its exit code and message.
int run_command(const std::function<void()>& body);

}  // namespace roost::cli

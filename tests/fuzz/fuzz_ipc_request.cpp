// SPDX-License-Identifier: MIT
// Fuzzes the IPC request reader: the bytes a client writes on the daemon's socket go
// through the real IpcServer (NDJSON framing, JSON parsing, JSON-RPC checks, dispatch)
// on a real Unix socket. Every line the server writes back is a JSON-RPC answer, it
// closes the connection once the client has finished, and it stays up.
#include "src/ipc/IpcServer.hpp"
#include "src/ipc/UnixSocket.hpp"
#include "src/reactor/Reactor.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

using nlohmann::json;
using roost::fuzz::broken;
using roost::fuzz::check;

namespace {

// Small, so that inputs of a few hundred bytes reach the oversized-request path.
constexpr std::size_t kMaxRequestBytes = 256;
constexpr int kMaxRounds = 10000;

std::filesystem::path socket_path() {
    char dir[] = "/tmp/roost-fuzz-ipc-XXXXXX";
    if (!::mkdtemp(dir)) throw std::runtime_error("mkdtemp failed");
    return std::filesystem::path(dir) / "roost.sock";
}

// The daemon's side: a server with methods that answer now, answer later, and fail
// in each way a method can.
struct Server {
    std::filesystem::path path = socket_path();
    roost::reactor::Reactor reactor;
    roost::ipc::IpcServer server{reactor, path, {.max_request_bytes = kMaxRequestBytes}};

    Server() {
        server.add_method("echo", [](const json& params, std::shared_ptr<roost::RpcReply> reply) {
            reply->result(params);
        });
        server.add_method("later", [this](const json& params, auto reply) {
            reactor.post([params, reply] { reply->result(params); });
        });
        server.add_method("field", [](const json& params, auto reply) {
            reply->result(params.at("key").get<std::string>());  // json exceptions: invalid params
        });
        server.add_method("fail", [](const json&, auto) { throw std::runtime_error("failed"); });
    }
    ~Server() { std::filesystem::remove_all(path.parent_path()); }
};

void check_answer(std::string_view line) {
    json answer = json::parse(line, nullptr, false);
    check(answer.is_object(), "an answer that is not a JSON object: " + std::string(line));
    check(answer.value("jsonrpc", "") == "2.0", "an answer without jsonrpc 2.0");
    check(answer.contains("id"), "an answer without an id");
    check(answer.contains("result") != answer.contains("error"),
          "an answer needs a result or an error, not both");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Server daemon;
    auto client = roost::ipc::connect_unix(daemon.path);
    ::fcntl(client.get(), F_SETFL, O_NONBLOCK);

    std::string_view request(reinterpret_cast<const char*>(data), size);
    std::string answers;
    bool writing = true;
    bool hung_up = false;
    for (int round = 0; !hung_up; ++round) {
        check(round < kMaxRounds, "the server did not close the connection");
        if (writing && !request.empty()) {
            ssize_t sent = ::send(client.get(), request.data(), request.size(), MSG_NOSIGNAL);
            if (sent > 0) request.remove_prefix(static_cast<std::size_t>(sent));
            if (sent < 0 && errno != EAGAIN) writing = false;  // the server hung up on us
        }
        if (writing && request.empty()) {
            ::shutdown(client.get(), SHUT_WR);  // the client has finished
            writing = false;
        }
        daemon.reactor.run_once(std::chrono::milliseconds(writing ? 0 : 10));
        char chunk[65536];
        for (;;) {
            ssize_t got = ::recv(client.get(), chunk, sizeof chunk, 0);
            if (got > 0) {
                answers.append(chunk, static_cast<std::size_t>(got));
                continue;
            }
            if (got == 0 || errno != EAGAIN) hung_up = true;
            break;
        }
    }
    // Let the server finish closing its side, then it holds no client.
    for (int round = 0; daemon.server.client_count() > 0; ++round) {
        check(round < kMaxRounds, "the server keeps a client that has gone");
        daemon.reactor.run_once(std::chrono::milliseconds(1));
    }
    std::string_view rest(answers);
    while (!rest.empty()) {
        auto end = rest.find('\n');
        if (end == std::string_view::npos) broken("an answer without its end of line");
        check_answer(rest.substr(0, end));
        rest.remove_prefix(end + 1);
    }
    return 0;
}

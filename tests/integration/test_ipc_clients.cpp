// SPDX-License-Identifier: MIT
// roostd's socket end to end against many and hostile clients: another uid (the test
// runs as root and forks children that become `nobody`), 200 concurrent clients, and
// clients that pipeline, send garbage or leave mid-request while the others are served.
#include "roost/Ipc.hpp"
#include "src/ipc/IpcClient.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/RawIpcClient.hpp"

#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;
using roost::ipc::IpcClient;
using RawClient = roost::test::RawIpcClient;

namespace {

constexpr const char* kStatus = R"({"jsonrpc":"2.0","id":1,"method":"status"})";

// What a child of another uid saw when it tried the daemon's socket.
enum class Outcome { Refused = 10, Answered = 11, NoAccess = 12, Failed = 13 };

// Forks a child that becomes `user` (groups dropped, then gid, then uid: root cannot
// come back), connects to `socket`, sends a status request, and says what happened.
Outcome try_as(const std::string& user, const std::filesystem::path& socket) {
    passwd* account = ::getpwnam(user.c_str());
    REQUIRE(account != nullptr);
    uid_t uid = account->pw_uid;
    gid_t gid = account->pw_gid;
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0 ||
            ::getuid() != uid)
            ::_exit(static_cast<int>(Outcome::Failed));
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, socket.c_str(), sizeof address.sun_path - 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            ::_exit(static_cast<int>(errno == EACCES ? Outcome::NoAccess : Outcome::Failed));
        std::string request = std::string(kStatus) + "\n";
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        pollfd ready{fd, POLLIN, 0};
        if (::poll(&ready, 1, 5000) != 1) ::_exit(static_cast<int>(Outcome::Failed));
        char byte;
        ::_exit(
            static_cast<int>(::recv(fd, &byte, 1, 0) > 0 ? Outcome::Answered : Outcome::Refused));
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    return static_cast<Outcome>(WEXITSTATUS(status));
}

std::string request(int id, const std::string& method) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}}.dump() + "\n";
}

bool serves(Daemon& daemon) {
    return daemon.running() &&
           IpcClient(daemon.socket()).call("status", nullptr, 10s).contains("database");
}

// Lets `nobody` reach the socket: search permission on every directory above it and
// write permission on the socket file. Test-only: roostd checked its directory at start.
void open_path_to_socket(const Daemon& daemon) {
    for (auto dir = daemon.socket().parent_path(); dir != daemon.home().path().parent_path();
         dir = dir.parent_path())
        REQUIRE(::chmod(dir.c_str(), 0711) == 0);
    REQUIRE(::chmod(daemon.socket().c_str(), 0666) == 0);
}

}  // namespace

TEST_CASE("another uid cannot reach the socket: its directory is the owner's alone") {
    REQUIRE(::geteuid() == 0);  // the test needs root to become another user
    Daemon daemon;
    // Even with the directories above it open, the socket's 0700 directory stops it.
    for (auto dir = daemon.socket().parent_path().parent_path();
         dir != daemon.home().path().parent_path(); dir = dir.parent_path())
        REQUIRE(::chmod(dir.c_str(), 0711) == 0);
    CHECK(try_as("nobody", daemon.socket()) == Outcome::NoAccess);
    CHECK(serves(daemon));
}

TEST_CASE("a client of another uid that reaches the socket is hung up on unanswered") {
    REQUIRE(::geteuid() == 0);
    Daemon daemon;
    open_path_to_socket(daemon);
    // The file system lets it connect: only the daemon's SO_PEERCRED check stands.
    CHECK(try_as("nobody", daemon.socket()) == Outcome::Refused);
    CHECK(try_as("nobody", daemon.socket()) == Outcome::Refused);
    CHECK(daemon.log().find("refused a connection from uid 65534") != std::string::npos);
    // The owner, through the same opened path, is served as before.
    CHECK(try_as("root", daemon.socket()) == Outcome::Answered);
    CHECK(serves(daemon));
}

TEST_CASE("200 concurrent clients each get the answer to every request they send") {
    Daemon daemon;
    constexpr int kClients = 200;
    constexpr int kRequests = 5;
    std::atomic<int> answered{0};
    std::atomic<int> failed{0};
    std::mutex worst_mutex;
    std::chrono::steady_clock::duration worst{};
    std::atomic<bool> go{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
        clients.emplace_back([&, c] {
            while (!go) std::this_thread::yield();
            try {
                IpcClient client(daemon.socket());
                for (int n = 0; n < kRequests; ++n) {
                    auto start = std::chrono::steady_clock::now();
                    // Alternately a method with a result and one that answers an error.
                    if ((c + n) % 2 == 0) {
                        if (client.call("status", nullptr, 30s).contains("database")) ++answered;
                    } else {
                        try {
                            client.call("profile.connect",
                                        {{"profile", "nobody-" + std::to_string(c)}}, 30s);
                        } catch (const roost::ipc::IpcCallError& e) {
                            if (e.code() == roost::rpc_error::kNotFound) ++answered;
                        }
                    }
                    std::lock_guard lock(worst_mutex);
                    worst = std::max(worst, std::chrono::steady_clock::now() - start);
                }
            } catch (const std::exception& e) {
                ++failed;
                std::lock_guard lock(worst_mutex);
                std::cerr << "client " << c << ": " << e.what() << "\n";
            }
        });
    auto start = std::chrono::steady_clock::now();
    go = true;
    for (auto& client : clients) client.join();
    auto total = std::chrono::steady_clock::now() - start;
    std::cout << "[figures] " << kClients << " clients x " << kRequests
              << " requests: " << std::chrono::duration<double>(total).count()
              << " s, slowest answer " << std::chrono::duration<double, std::milli>(worst).count()
              << " ms\n";
    CHECK(failed == 0);
    CHECK(answered == kClients * kRequests);
    CHECK(serves(daemon));
}

TEST_CASE("pipelined requests on one connection are all answered, in order") {
    Daemon daemon;
    RawClient client(daemon.socket());
    std::string burst;
    for (int id = 1; id <= 100; ++id) burst += request(id, id % 3 == 0 ? "no.such" : "status");
    REQUIRE(client.send(burst));
    for (int id = 1; id <= 100; ++id) {
        auto answer = client.receive();
        REQUIRE(answer);
        CHECK((*answer)["id"] == id);
        CHECK(answer->contains(id % 3 == 0 ? "error" : "result"));
    }
}

TEST_CASE("garbage, half requests and clients that leave do not disturb the other clients") {
    Daemon daemon;
    std::atomic<bool> stop{false};
    std::atomic<int> good{0};
    std::atomic<int> bad{0};
    // Well-behaved clients, all along.
    std::vector<std::thread> polite;
    for (int c = 0; c < 8; ++c)
        polite.emplace_back([&] {
            try {
                IpcClient client(daemon.socket());
                while (!stop) {
                    if (client.call("status", nullptr, 30s).contains("database"))
                        ++good;
                    else
                        ++bad;
                }
            } catch (const std::exception&) {
                ++bad;
            }
        });
    auto deep = std::string(400000, '[') + std::string(400000, ']');
    std::vector<std::pair<std::string, std::optional<int>>> hostile = {
        {std::string("\xff\xfe") + '\0' + "garbage\n", -32700},  // not UTF-8, a NUL inside
        {deep + "\n", -32600},                                   // 400,000 nested arrays
        {"{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"status\"}\n", -32600},  // id an object
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"status\",\"params\":3}\n", -32600},
        {"{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"rpc.subscribe\",\"params\":{\"topics\":[1]}}"
         "\n",
         -32602},
        {"[" + std::string(kStatus) + "]\n", -32600},  // a batch
        {"\"just a string\"\n", -32600},
        {"{\"jsonrpc\":\"2.0\",\"id\":1e999,\"method\":\"status\"}\n", -32700},  // out of range
    };
    for (int round = 0; round < 20; ++round) {
        for (const auto& [bytes, code] : hostile) {
            RawClient client(daemon.socket());
            REQUIRE(client.send(bytes));
            auto answer = client.receive();
            std::string start = bytes.substr(0, 60);  // clang 14 captures no structured binding
            REQUIRE_MESSAGE(answer, start);
            CHECK((*answer)["error"]["code"] == *code);
        }
        // Leaves mid-request, before its answer, or without a word.
        RawClient(daemon.socket()).send("{\"jsonrpc\":\"2.0\",\"id\":9,\"met");
        RawClient(daemon.socket()).send(request(10, "status"));
        { RawClient silent(daemon.socket()); }
        // Sends 2 MiB without a newline: refused, then hung up on.
        RawClient flood(daemon.socket());
        flood.send(std::string(2 * 1024 * 1024, 'x'));
        auto refusal = flood.receive();
        REQUIRE(refusal);
        CHECK((*refusal)["error"]["code"] == -32600);
        CHECK_FALSE(flood.receive(2s));
    }
    stop = true;
    for (auto& client : polite) client.join();
    CHECK(bad == 0);
    CHECK(good > 0);
    CHECK(serves(daemon));
}

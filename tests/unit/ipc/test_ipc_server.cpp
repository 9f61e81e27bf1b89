// SPDX-License-Identifier: MIT
#include "src/ipc/IpcClient.hpp"
#include "src/ipc/IpcServer.hpp"
#include "src/reactor/Fd.hpp"
#include "tests/support/RawIpcClient.hpp"
#include "tests/support/TempDir.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using nlohmann::json;
using roost::RpcError;
using roost::RpcReply;
using roost::ipc::IpcCallError;
using roost::ipc::IpcClient;
using roost::ipc::IpcServer;
using roost::ipc::IpcServerOptions;
using roost::reactor::Reactor;
using roost::test::TempDir;
using RawClient = roost::test::RawIpcClient;
namespace rpc_error = roost::rpc_error;
namespace fs = std::filesystem;

namespace {

// An IpcServer with a few test methods, on a reactor running in its own thread.
struct Daemon {
    Reactor reactor;
    IpcServer server;
    std::atomic<int> counted{0};
    std::shared_ptr<RpcReply> held;  // reactor thread only
    std::thread thread;

    explicit Daemon(const fs::path& socket, IpcServerOptions options = {})
        : server(reactor, socket, options) {
        server.add_method("echo", [](const json& params, auto reply) { reply->result(params); });
        server.add_method("count", [this](const json&, auto reply) { reply->result(++counted); });
        server.add_method("later", [this](const json& params, std::shared_ptr<RpcReply> reply) {
            reactor.add_timer(std::chrono::milliseconds(params.at("ms").get<int>()),
                              [reply] { reply->result("late"); });
        });
        server.add_method("hold", [this](const json&, auto reply) { held = reply; });
        server.add_method("twice", [](const json&, auto reply) {
            reply->result(1);
            reply->result(2);
        });
        server.add_method("need_node", [](const json& params, auto reply) {
            if (!params.is_object() || !params.contains("node"))
                throw RpcError{rpc_error::kInvalidParams, "missing node"};
            reply->result(params["node"]);
        });
        server.add_method("sum", [](const json& params, auto reply) {
            reply->result(params.at("a").get<int>() + params.at("b").get<int>());
        });
        server.add_method("fail", [](const json&, auto) {
            throw RpcError{rpc_error::kNotFound, "no such node", {{"node", "n"}}};
        });
        server.add_method("crash", [](const json&, auto) { throw std::runtime_error("boom"); });
        thread = std::thread([this] { reactor.run(); });
    }
    ~Daemon() {
        reactor.request_stop();
        thread.join();
    }

    // Runs `task` on the reactor thread and waits for it.
    template <class Task>
    void on_reactor(Task task) {
        std::promise<void> done;
        reactor.post([&] {
            try {
                task();
                done.set_value();
            } catch (...) {
                done.set_exception(std::current_exception());
            }
        });
        done.get_future().get();
    }
    std::size_t clients() {
        std::size_t count = 0;
        on_reactor([&] { count = server.client_count(); });
        return count;
    }
    // The server notices a departure on its next iteration; give it a moment.
    bool clients_drop_to(std::size_t expected) {
        for (int i = 0; i < 200 && clients() != expected; ++i) std::this_thread::sleep_for(10ms);
        return clients() == expected;
    }
};

int error_code(const json& answer) { return answer.at("error").at("code").get<int>(); }

bool still_serves(const fs::path& socket) {
    return IpcClient(socket).call("echo", {{"ok", true}}) == json{{"ok", true}};
}

}  // namespace

TEST_CASE("a call is answered with the method's result under the request's id") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    IpcClient client(dir / "run" / "roostd.sock");
    CHECK(client.call("echo", {{"hello", "world"}}) == json{{"hello", "world"}});
    CHECK(client.call("echo", json::array({1, 2})) == json::array({1, 2}));
    CHECK(client.call("sum", {{"a", 2}, {"b", 3}}) == 5);
}

TEST_CASE("a method may answer later, and other clients are served meanwhile") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    auto slow = std::async(std::launch::async, [&] {
        return IpcClient(dir / "run" / "roostd.sock").call("later", {{"ms", 300}});
    });
    IpcClient fast(dir / "run" / "roostd.sock");
    auto start = std::chrono::steady_clock::now();
    CHECK(fast.call("echo", {{"x", 1}}) == json{{"x", 1}});
    CHECK(std::chrono::steady_clock::now() - start < 250ms);
    CHECK(slow.get() == "late");
}

TEST_CASE("only the first answer of a method reaches the client") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    RawClient raw(dir / "run" / "roostd.sock");
    REQUIRE(raw.send_lines({R"({"jsonrpc":"2.0","id":1,"method":"twice"})",
                            R"({"jsonrpc":"2.0","id":2,"method":"echo","params":["next"]})"}));
    CHECK(raw.receive().value() == json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", 1}});
    CHECK(raw.receive().value().at("id") == 2);
}

TEST_CASE("method errors are answered with their JSON-RPC codes") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    IpcClient client(dir / "run" / "roostd.sock");
    auto code_of = [&](const std::string& method, const json& params) {
        try {
            client.call(method, params);
        } catch (const IpcCallError& e) {
            return e.code();
        }
        return 0;
    };
    CHECK(code_of("no.such.method", nullptr) == rpc_error::kMethodNotFound);
    CHECK(code_of("need_node", json::object()) == rpc_error::kInvalidParams);
    CHECK(code_of("sum", {{"a", "two"}, {"b", 3}}) == rpc_error::kInvalidParams);
    CHECK(code_of("crash", nullptr) == rpc_error::kInternalError);
    CHECK_THROWS_WITH_AS(client.call("crash"), "boom", IpcCallError);
    try {
        client.call("fail");
        FAIL("fail did not fail");
    } catch (const IpcCallError& e) {
        CHECK(e.code() == rpc_error::kNotFound);
        CHECK(std::string(e.what()) == "no such node");
        CHECK(e.data() == json{{"node", "n"}});
    }
    CHECK(client.call("need_node", {{"node", "n"}}) == "n");
}

TEST_CASE("malformed JSON and invalid requests are answered and the server goes on") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    RawClient raw(dir / "run" / "roostd.sock");
    auto answer_to = [&](const std::string& line) {
        REQUIRE(raw.send(line + "\n"));
        return raw.receive().value();
    };
    auto parse_error = answer_to("{oops");
    CHECK(error_code(parse_error) == rpc_error::kParseError);
    CHECK(parse_error.at("id").is_null());
    auto method_not_string = answer_to(R"({"jsonrpc":"2.0","id":3,"method":42})");
    CHECK(error_code(method_not_string) == rpc_error::kInvalidRequest);
    CHECK(method_not_string.at("id") == 3);
    CHECK(error_code(answer_to(R"({"id":4,"method":"echo"})")) == rpc_error::kInvalidRequest);
    CHECK(error_code(answer_to(R"({"jsonrpc":"2.0","id":5,"method":"echo","params":3})")) ==
          rpc_error::kInvalidRequest);
    CHECK(error_code(answer_to(R"([{"jsonrpc":"2.0","id":6,"method":"echo"}])")) ==
          rpc_error::kInvalidRequest);
    CHECK(error_code(answer_to(R"("just a string")")) == rpc_error::kInvalidRequest);
    CHECK(error_code(answer_to(std::string(300000, '['))) == rpc_error::kParseError);
    CHECK(error_code(answer_to(std::string(300000, '[') + std::string(300000, ']'))) ==
          rpc_error::kInvalidRequest);
    CHECK(answer_to(R"({"jsonrpc":"2.0","id":"s","method":"echo","params":{}})").at("id") == "s");
    CHECK(still_serves(dir / "run" / "roostd.sock"));
}

// Found by tests/fuzz/fuzz_ipc_request: nlohmann::json throws out_of_range, not
// parse_error, for a number too large for a double, and that left the reactor.
TEST_CASE("a number too large for a double is a parse error, and the server goes on") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    RawClient raw(dir / "run" / "roostd.sock");
    REQUIRE(raw.send_lines({R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[1e999]})"}));
    auto answer = raw.receive().value();
    CHECK(error_code(answer) == rpc_error::kParseError);
    CHECK(answer.at("id").is_null());
    CHECK(still_serves(dir / "run" / "roostd.sock"));
}

TEST_CASE("a request without an id runs but is never answered") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    RawClient raw(dir / "run" / "roostd.sock");
    REQUIRE(raw.send_lines({R"({"jsonrpc":"2.0","method":"count"})",
                            R"({"jsonrpc":"2.0","method":"no.such.method"})",
                            R"({"jsonrpc":"2.0","id":7,"method":"count"})"}));
    auto answer = raw.receive().value();
    CHECK(answer.at("id") == 7);
    CHECK(answer.at("result") == 2);
}

TEST_CASE("an oversized request is answered with an error, then its client is closed") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    RawClient raw(dir / "run" / "roostd.sock");
    REQUIRE(raw.send(std::string(IpcServerOptions::kMaxRequestBytes + 1, ' ')));
    auto answer = raw.receive().value();
    CHECK(error_code(answer) == rpc_error::kInvalidRequest);
    CHECK(answer.at("error").at("message").get<std::string>().find("too large") !=
          std::string::npos);
    CHECK(raw.closed_by_server());
    CHECK(still_serves(dir / "run" / "roostd.sock"));
}

TEST_CASE("a client leaving mid-request or before its answer does not disturb the server") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    {
        RawClient raw(dir / "run" / "roostd.sock");
        REQUIRE(raw.send(R"({"jsonrpc":"2.0","id":1,"meth)"));
    }
    {
        RawClient raw(dir / "run" / "roostd.sock");
        REQUIRE(raw.send_lines({R"({"jsonrpc":"2.0","id":1,"method":"hold"})"}));
        CHECK_FALSE(raw.receive(100ms));
    }
    CHECK(daemon.clients_drop_to(0));
    daemon.on_reactor([&] { daemon.held->result("too late"); });
    CHECK(still_serves(dir / "run" / "roostd.sock"));
}

TEST_CASE("notifications reach only the clients subscribed to their topic") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    IpcClient cache(dir / "run" / "roostd.sock");
    IpcClient sync(dir / "run" / "roostd.sock");
    CHECK(cache.call("rpc.subscribe", {{"topics", {"cache.updated", "other"}}}) ==
          json{{"topics", {"cache.updated", "other"}}});
    sync.subscribe({"sync.progress"});
    daemon.on_reactor([&] { daemon.server.notify("cache.updated", {{"node", "n"}}); });
    auto got = cache.next_notification(2s);
    REQUIRE(got);
    CHECK(got->topic == "cache.updated");
    CHECK(got->data == json{{"node", "n"}});
    CHECK_FALSE(sync.next_notification(100ms));
    cache.unsubscribe({"cache.updated"});
    daemon.on_reactor([&] { daemon.server.notify("cache.updated", 1); });
    CHECK_FALSE(cache.next_notification(100ms));
    CHECK_THROWS_AS(cache.call("rpc.subscribe", {{"topics", "x"}}), IpcCallError);
}

TEST_CASE("the socket directory is 0700, the socket 0600, and the socket goes with the server") {
    TempDir dir;
    auto socket = dir / "run" / "roostd.sock";
    {
        Daemon daemon(socket);
        CHECK(fs::status(dir / "run").permissions() == fs::perms::owner_all);
        struct stat info {};
        REQUIRE(::stat(socket.c_str(), &info) == 0);
        CHECK(S_ISSOCK(info.st_mode));
        CHECK((info.st_mode & 0777) == 0600);
    }
    CHECK_FALSE(fs::exists(socket));
    auto not_running = "roostd is not running (no socket at " + socket.string() + ")";
    CHECK_THROWS_WITH_AS(IpcClient{socket}, not_running.c_str(), roost::ipc::DaemonNotRunning);
}

TEST_CASE("a socket directory that others may enter or that is not ours is refused") {
    TempDir dir;
    Reactor reactor;
    fs::create_directory(dir / "run");
    fs::permissions(dir / "run", fs::perms::owner_all | fs::perms::group_read |
                                     fs::perms::group_exec | fs::perms::others_read |
                                     fs::perms::others_exec);
    CHECK_THROWS_WITH_AS(IpcServer(reactor, dir / "run" / "roostd.sock"),
                         doctest::Contains("mode 0755 lets other users in"), std::runtime_error);
    if (::geteuid() == 0) {  // only root can give a directory away
        fs::permissions(dir / "run", fs::perms::owner_all);
        REQUIRE(::chown((dir / "run").c_str(), 65534, 65534) == 0);
        CHECK_THROWS_WITH_AS(IpcServer(reactor, dir / "run" / "roostd.sock"),
                             doctest::Contains("owned by uid 65534"), std::runtime_error);
    }
}

TEST_CASE("a stale socket file is replaced, but a live server's socket is not") {
    TempDir dir;
    auto socket = dir / "run" / "roostd.sock";
    fs::create_directory(dir / "run");
    fs::permissions(dir / "run", fs::perms::owner_all);
    {
        // Bound, never listened on, closed: what a killed daemon leaves behind.
        roost::reactor::Fd stale(::socket(AF_UNIX, SOCK_STREAM, 0));
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strcpy(address.sun_path, socket.c_str());
        REQUIRE(::bind(stale.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    }
    Daemon daemon(socket);
    CHECK(still_serves(socket));
    Reactor other;
    CHECK_THROWS_WITH_AS(IpcServer(other, socket), doctest::Contains("already listening"),
                         std::runtime_error);
    CHECK(still_serves(socket));
    roost::test::write_file(dir / "run" / "file", "not a socket");
    CHECK_THROWS_WITH_AS(IpcServer(other, dir / "run" / "file"),
                         doctest::Contains("is not a socket"), std::runtime_error);
}

TEST_CASE("a connection from another uid is closed unanswered") {
    TempDir dir;
    IpcServerOptions options;
    options.allowed_uid = ::geteuid() + 1;
    Daemon daemon(dir / "run" / "roostd.sock", options);
    RawClient raw(dir / "run" / "roostd.sock");
    CHECK(raw.closed_by_server());
    CHECK(daemon.clients() == 0);
}

TEST_CASE("a client that does not read its notifications is dropped, others are served") {
    TempDir dir;
    IpcServerOptions options;
    options.max_backlog_bytes = 256 * 1024;
    Daemon daemon(dir / "run" / "roostd.sock", options);
    RawClient sluggish(dir / "run" / "roostd.sock");
    REQUIRE(sluggish.send_lines(
        {R"({"jsonrpc":"2.0","id":1,"method":"rpc.subscribe","params":{"topics":["t"]}})"}));
    REQUIRE(sluggish.receive());
    daemon.on_reactor([&] {
        for (int i = 0; i < 200; ++i) daemon.server.notify("t", std::string(16 * 1024, 'x'));
    });
    CHECK(daemon.clients() == 0);
    CHECK(still_serves(dir / "run" / "roostd.sock"));
}

TEST_CASE("one answer larger than the backlog limit reaches a client that reads it") {
    TempDir dir;
    IpcServerOptions options;
    options.max_backlog_bytes = 256 * 1024;
    Daemon daemon(dir / "run" / "roostd.sock", options);
    daemon.on_reactor([&] {
        daemon.server.add_method("large", [](const json&, auto reply) {
            reply->result(std::string(4 * 1024 * 1024, 'x'));
        });
    });
    IpcClient client(dir / "run" / "roostd.sock");
    CHECK(client.call("large").get<std::string>().size() == 4 * 1024 * 1024);
    CHECK(client.call("echo", {{"ok", true}}) == json{{"ok", true}});
}

TEST_CASE("50 concurrent clients each get their own answers") {
    TempDir dir;
    Daemon daemon(dir / "run" / "roostd.sock");
    std::atomic<int> right{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 50; ++c)
        clients.emplace_back([&, c] {
            try {
                IpcClient client(dir / "run" / "roostd.sock");
                for (int n = 0; n < 20; ++n) {
                    json params = {{"client", c}, {"n", n}};
                    if (client.call("echo", params, 10s) == params) ++right;
                }
            } catch (const std::exception&) {
                ++failed;
            }
        });
    for (auto& client : clients) client.join();
    CHECK(failed == 0);
    CHECK(right == 50 * 20);
}

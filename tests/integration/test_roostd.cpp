// SPDX-License-Identifier: MIT
// roostd and roost as a user runs them: a throwaway XDG tree, the CLI's JSON
// output and exit codes, a second instance, bad requests, clean shutdown.
#include "src/storage/MigrationSet.hpp"
#include "tests/support/Daemon.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstring>

using namespace roost::test;
using nlohmann::json;

namespace {

// Sends raw bytes on the daemon's socket and reads one answer line (or "" on EOF).
std::string raw_exchange(const std::filesystem::path& socket_path, const std::string& bytes,
                         bool await_answer = true) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server may close on an oversized request
        sent += static_cast<std::size_t>(n);
    }
    std::string answer;
    char c;
    while (await_answer && ::read(fd, &c, 1) == 1 && c != '\n') answer += c;
    ::close(fd);
    return answer;
}

int error_code(const std::string& answer) {
    return json::parse(answer)["error"]["code"].get<int>();
}

}  // namespace

TEST_CASE("roost --json status describes a freshly started daemon") {
    Daemon daemon;
    auto r = daemon.roost({"--json", "status"});
    REQUIRE(r.exit_code == 0);
    json status = json::parse(r.out);
    CHECK(status["database"]["schema_version"] ==
          roost::storage::MigrationSet::embedded().latest_version());
    CHECK(status["database"]["path"] == daemon.database().string());
    CHECK(status["socket"] == daemon.socket().string());
    CHECK(status["profiles"].empty());

    auto human = daemon.roost({"status"});
    CHECK(human.exit_code == 0);
    CHECK(human.out.find("schema version") != std::string::npos);
}

TEST_CASE("the socket and its directory are for the owner alone") {
    Daemon daemon;
    struct stat info {};
    REQUIRE(::stat(daemon.socket().parent_path().c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
}

TEST_CASE("a second roostd on the same database is refused") {
    Daemon daemon;
    auto second = daemon.run_another();
    CHECK(second.exit_code == 3);
    CHECK(second.err.find("already running") != std::string::npos);
    CHECK(daemon.roost({"status"}).exit_code == 0);  // the first one is unharmed
}

TEST_CASE("bad requests get JSON-RPC errors and the daemon keeps answering") {
    Daemon daemon;
    CHECK(error_code(raw_exchange(daemon.socket(), "{not json\n")) == -32700);
    CHECK(error_code(raw_exchange(daemon.socket(), "{\"jsonrpc\":\"2.0\",\"id\":1}\n")) == -32600);
    CHECK(error_code(raw_exchange(daemon.socket(),
                                  "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no.such\"}\n")) ==
          -32601);
    CHECK(error_code(raw_exchange(daemon.socket(),
                                  "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"profile.connect\","
                                  "\"params\":{\"profile\":42}}\n")) == -32602);
    std::string huge = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"status\",\"params\":[\"" +
                       std::string(2 * 1024 * 1024, 'x') + "\"]}\n";
    CHECK(error_code(raw_exchange(daemon.socket(), huge)) == -32600);
    raw_exchange(daemon.socket(), "{\"jsonrpc\":\"2.0\",\"id\":5,\"meth",
                 false);  // leaves mid-request
    auto r = daemon.roost({"--json", "status"});
    CHECK(r.exit_code == 0);
    CHECK(daemon.running());
}

TEST_CASE("SIGTERM stops the daemon cleanly and leaves no socket behind") {
    Daemon daemon;
    REQUIRE(std::filesystem::exists(daemon.socket()));
    CHECK(daemon.terminate() == 0);
    CHECK_FALSE(std::filesystem::exists(daemon.socket()));
    auto r = daemon.roost({"status"});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("roostd is not running") != std::string::npos);
}

TEST_CASE("roost stop stops the daemon") {
    Daemon daemon;
    auto r = daemon.roost({"stop"});
    CHECK(r.exit_code == 0);
    for (int i = 0; i < 500 && daemon.running(); ++i) usleep(10000);
    CHECK_FALSE(daemon.running());
    CHECK_FALSE(std::filesystem::exists(daemon.socket()));
}

TEST_CASE("a daemon killed with SIGKILL can be started again") {
    Daemon first;
    first.kill();
    // The flock died with the process; the stale socket is replaced.
    auto second = Daemon();
    CHECK(second.roost({"status"}).exit_code == 0);
}

TEST_CASE("unknown profiles and usage errors have their own exit codes") {
    Daemon daemon;
    auto unknown = daemon.roost({"profile", "connect", "nobody"});
    CHECK(unknown.exit_code == 4);
    CHECK(unknown.err.find("no profile named 'nobody'") != std::string::npos);
    CHECK(daemon.roost({"frobnicate"}).exit_code == 2);
    auto list = daemon.roost({"--json", "profile", "list"});
    CHECK(list.exit_code == 0);
    CHECK(json::parse(list.out).empty());
}

TEST_CASE("a config with a password that others can read is refused") {
    TempDir home;
    auto config = home / "config" / "roost" / "roost.toml";
    write_file(config, "[profiles.me]\njid = \"me@localhost\"\npassword = \"secret\"\n");
    ::chmod(config.c_str(), 0644);
    auto r = run({(build_dir() / "src/daemon/roostd").string()},
                 {{"XDG_CONFIG_HOME", (home / "config").string()},
                  {"XDG_DATA_HOME", (home / "data").string()},
                  {"XDG_RUNTIME_DIR", (home / "run").string()}});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("chmod 600") != std::string::npos);
    CHECK(r.err.find("secret") == std::string::npos);
}

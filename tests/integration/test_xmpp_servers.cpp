// SPDX-License-Identifier: MIT
// The integration-test harness against the real servers: stream features and SASL PLAIN logins
// over a raw socket, restarts on the same port, loopback-only listeners, nothing left behind.
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/Loopback.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/RawXmppClient.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

using namespace roost::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string stream_features(const XmppServer& server) {
    RawXmppClient client(server);
    return client.open_stream();
}

// A SASL PLAIN exchange without TLS, as the test configs allow on loopback.
bool can_log_in(const XmppServer& server, const XmppAccount& account) {
    RawXmppClient client(server);
    std::string features = client.open_stream();
    REQUIRE(features.find("<mechanism>PLAIN</mechanism>") != std::string::npos);
    return client.log_in(account);
}

// Processes (other than us) whose command line mentions `text`.
std::vector<pid_t> processes_mentioning(const std::string& text) {
    std::vector<pid_t> found;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        pid_t pid = std::stoi(name);
        if (pid == ::getpid()) continue;
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (cmdline.find(text) != std::string::npos) found.push_back(pid);
    }
    return found;
}

// The local addresses ("0100007F:1F90", hex as in /proc/net/tcp) of the TCP sockets `pid`
// listens on, with "tcp6 " in front of IPv6 ones.
std::vector<std::string> listening_addresses(pid_t pid) {
    std::set<std::string> inodes;
    for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
        std::error_code error;
        std::string target = fs::read_symlink(fd.path(), error).string();
        if (target.starts_with("socket:[")) inodes.insert(target.substr(8, target.size() - 9));
    }
    std::vector<std::string> result;
    for (std::string table : {"tcp", "tcp6"}) {
        std::ifstream in("/proc/net/" + table);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
            fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
                timeout >> inode;
            if (state == "0A" && inodes.count(inode))
                result.push_back((table == "tcp6" ? "tcp6 " : "") + local);
        }
    }
    return result;
}

// Every TCP socket the server listens on is on 127.0.0.1, the client port among them.
void check_loopback_only(const XmppServer& server) {
    std::vector<std::string> addresses;
    for (pid_t pid : server.processes()) {
        auto more = listening_addresses(pid);
        addresses.insert(addresses.end(), more.begin(), more.end());
    }
    CHECK_FALSE(addresses.empty());
    char port_hex[8];
    std::snprintf(port_hex, sizeof port_hex, "%04X", server.client_port());
    bool client_port_seen = false;
    for (const auto& address : addresses) {
        INFO("listening on " << address);
        CHECK(address.starts_with("0100007F:"));
        client_port_seen |= address == std::string("0100007F:") + port_hex;
    }
    CHECK(client_port_seen);
}

bool all_gone(const std::vector<pid_t>& pids) {
    for (pid_t pid : pids)
        if (fs::exists("/proc/" + std::to_string(pid))) return false;
    return true;
}

// Starts a Server in a forked copy of this test, which then dies by SIGKILL, skipping every
// destructor; returns whether the server's processes went away by themselves within 30 s.
template <typename Server>
bool server_dies_with_a_crashed_test() {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(pipe_fds[0]);
        Server server({.users = {"alice"}});
        std::ostringstream report;
        report << server.client_port() << ' ' << server.dir().parent_path().string();
        for (pid_t pid : server.processes()) report << ' ' << pid;
        std::string text = report.str() + "\n";
        (void)!::write(pipe_fds[1], text.data(), text.size());
        ::pause();
    }
    ::close(pipe_fds[1]);
    std::string text;
    char buffer[512];
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.ends_with('\n')) break;
    }
    ::close(pipe_fds[0]);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    std::istringstream fields(text);
    int port = 0;
    std::string temp_dir;
    std::vector<pid_t> pids;
    fields >> port >> temp_dir;
    for (pid_t pid; fields >> pid;) pids.push_back(pid);
    REQUIRE(!pids.empty());
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!all_gone(pids) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(100ms);
    bool gone = all_gone(pids) && !port_accepts(port);
    fs::remove_all(temp_dir);  // no destructor ran to remove it
    return gone;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("prosody offers stream features on loopback only and knows its accounts") {
    auto t0 = std::chrono::steady_clock::now();
    ProsodyServer server({.users = {"alice", "bob"}, .admins = {"alice"}});
    MESSAGE("prosody started with 2 accounts in " << seconds_since(t0) << " s");
    CHECK(server.domain() == "localhost");
    CHECK(server.pubsub_service() == "pubsub.localhost");
    CHECK(server.account("alice").jid == "alice@localhost");
    CHECK_THROWS_AS(server.account("mallory"), std::invalid_argument);

    std::string features = stream_features(server);
    CHECK(features.find("<stream:features") != std::string::npos);
    CHECK(features.find("urn:ietf:params:xml:ns:xmpp-sasl") != std::string::npos);
    check_loopback_only(server);

    CHECK(can_log_in(server, server.account("alice")));
    CHECK(can_log_in(server, server.account("bob")));
    CHECK_FALSE(can_log_in(server, {"alice@localhost", "wrong password"}));
    CHECK_FALSE(can_log_in(server, {"carol@localhost", "secret-carol"}));
    CHECK(can_log_in(server, server.add_account("carol")));  // while it runs
}

TEST_CASE("prosody stops and comes back on the same port with its data") {
    ProsodyServer server({.users = {"alice"}});
    int port = server.client_port();
    server.add_account("dave", "dave's own password");

    auto t0 = std::chrono::steady_clock::now();
    server.stop();
    MESSAGE("prosody stopped in " << seconds_since(t0) << " s");
    CHECK_FALSE(server.running());
    CHECK(server.pid() == -1);
    CHECK_FALSE(port_accepts(port));

    t0 = std::chrono::steady_clock::now();
    server.start();
    MESSAGE("prosody restarted in " << seconds_since(t0) << " s");
    CHECK(server.client_port() == port);
    CHECK(can_log_in(server, server.account("alice")));
    CHECK(can_log_in(server, server.account("dave")));

    server.kill();  // as if it crashed
    CHECK_FALSE(port_accepts(port));
    server.start();
    CHECK(can_log_in(server, server.account("dave")));
    CHECK_THROWS_AS(server.start(), std::logic_error);
}

TEST_CASE("two prosody servers run side by side") {
    ProsodyServer first({.users = {"alice"}}), second({.users = {"alice"}});
    CHECK(first.client_port() != second.client_port());
    CHECK(first.dir() != second.dir());
    CHECK(can_log_in(first, first.account("alice")));
    CHECK(can_log_in(second, second.account("alice")));
}

TEST_CASE(
    "a prosody instance leaves no process, port or directory behind, even when a test fails") {
    std::vector<pid_t> pids;
    int port = 0;
    fs::path dir;
    try {
        ProsodyServer server({.users = {"alice"}});
        pids = server.processes();
        port = server.client_port();
        dir = server.dir();
        REQUIRE(pids == std::vector<pid_t>{server.pid()});
        REQUIRE_FALSE(processes_mentioning(dir.string()).empty());
        throw std::runtime_error("the test failed here");
    } catch (const std::runtime_error&) {
    }
    CHECK(all_gone(pids));
    CHECK(processes_mentioning(dir.string()).empty());
    CHECK_FALSE(port_accepts(port));
    CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("ejabberd offers stream features on loopback only, knows its accounts, restarts, leaves "
          "nothing") {
    std::vector<pid_t> pids;
    int port = 0;
    fs::path dir;
    std::string node;
    {
        auto t0 = std::chrono::steady_clock::now();
        EjabberdServer server({.users = {"alice", "bob"}, .admins = {"alice"}});
        MESSAGE("ejabberd started with 2 accounts in " << seconds_since(t0) << " s");
        port = server.client_port();
        dir = server.dir();
        node = server.node();
        CHECK(server.pubsub_service() == "pubsub.localhost");

        std::string features = stream_features(server);
        CHECK(features.find("<stream:features") != std::string::npos);
        CHECK(features.find("urn:ietf:params:xml:ns:xmpp-sasl") != std::string::npos);
        check_loopback_only(server);  // the client port and the Erlang distribution port

        auto users = server.ejabberdctl({"registered_users", "localhost"});
        CHECK(users.exit_code == 0);
        CHECK(users.out == "alice\nbob\n");
        CHECK(can_log_in(server, server.account("alice")));
        CHECK(can_log_in(server, server.account("bob")));
        CHECK_FALSE(can_log_in(server, {"alice@localhost", "wrong password"}));

        t0 = std::chrono::steady_clock::now();
        server.stop();
        MESSAGE("ejabberd stopped in " << seconds_since(t0) << " s");
        CHECK_FALSE(port_accepts(port));
        CHECK(processes_mentioning(node).empty());
        t0 = std::chrono::steady_clock::now();
        server.start();
        MESSAGE("ejabberd restarted in " << seconds_since(t0) << " s");
        CHECK(server.client_port() == port);
        CHECK(can_log_in(server, server.account("bob")));  // accounts survive in its spool
        pids = server.processes();
        CHECK(pids.size() >= 2);  // ejabberdctl's shell and the VM
    }
    CHECK(all_gone(pids));
    CHECK(processes_mentioning(node).empty());
    CHECK(processes_mentioning(dir.string()).empty());
    CHECK_FALSE(port_accepts(port));
    CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("a server does not outlive a test process that crashed") {
    CHECK(server_dies_with_a_crashed_test<ProsodyServer>());
    CHECK(server_dies_with_a_crashed_test<EjabberdServer>());
}

// SPDX-License-Identifier: MIT
// Daemon: fork/exec roostd with its output in the temp tree.
#include "tests/support/Daemon.hpp"

#include "src/ipc/IpcClient.hpp"
#include "tests/support/ExecImage.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace roost::test {
Programs Programs::built() {
    return {build_dir() / "src/daemon/roostd", build_dir() / "src/cli/roost"};
}

Programs Programs::installed_in(const std::filesystem::path& bindir) {
    return {bindir / "roostd", bindir / "roost"};
}

std::string profile_toml(const XmppServer& server, const std::string& user, int port) {
    const auto& account = server.account(user);
    return "[profiles." + user + "]\njid = \"" + account.jid + "\"\npassword = \"" +
           account.password + "\"\nhost = \"127.0.0.1\"\nport = " +
           std::to_string(port != 0 ? port : server.client_port()) + "\nallow_plaintext = true\n";
}

Daemon::Daemon(const std::string& config, Programs programs) : programs_(std::move(programs)) {
    env_ = {{"XDG_CONFIG_HOME", (home_ / "config").string()},
            {"XDG_DATA_HOME", (home_ / "data").string()},
            {"XDG_RUNTIME_DIR", (home_ / "run").string()}};
    std::filesystem::create_directories(home_ / "run");
    ::chmod((home_ / "run").c_str(), 0700);
    if (!config.empty()) {
        auto path = home_ / "config" / "roost" / "roost.toml";
        write_file(path, config);
        ::chmod(path.c_str(), 0600);
    }
    pid_ = start();
    wait_until_listening();
}

void Daemon::restart() {
    if (running()) throw std::runtime_error("roostd is already running");
    pid_ = start();
    wait_until_listening();
}

void Daemon::wait_until_listening() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) throw std::runtime_error("roostd exited at start:\n" + log());
        try {
            ipc::IpcClient client(socket());
            client.call("status");
            return;
        } catch (const std::exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    kill();
    throw std::runtime_error("roostd did not come up in time:\n" + log());
}

Daemon::~Daemon() {
    if (pid_ > 0) kill();
}

std::filesystem::path Daemon::socket() const { return home_ / "run" / "roost" / "roostd.sock"; }
std::filesystem::path Daemon::database() const { return home_ / "data" / "roost" / "roost.db"; }

pid_t Daemon::start() {
    auto log_path = home_ / "roostd.log";
    const ExecImage image({programs_.roostd.string(), "--log-level", "debug"}, env_);
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ::dup2(out, 1);
        ::dup2(out, 2);
        image.exec();
        ::_exit(127);
    }
    return pid;
}

RunResult Daemon::roost(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{programs_.roost.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, env_);
}

RunResult Daemon::run_another() const { return run({programs_.roostd.string()}, env_); }

int Daemon::wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
}

int Daemon::terminate(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = wait(timeout);
    if (status < 0) kill();
    return status;
}

void Daemon::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

bool Daemon::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

std::string Daemon::log() const { return read_file(home_ / "roostd.log"); }

}  // namespace roost::test

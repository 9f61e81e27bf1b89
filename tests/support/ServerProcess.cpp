// SPDX-License-Identifier: MIT
// ServerProcess: fork/exec with everything the child needs prepared before the fork, so the
// child only makes async-signal-safe calls.
#include "tests/support/ServerProcess.hpp"

#include "tests/support/ExecImage.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace roost::test {

namespace {

struct Identity {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    std::string home;
};

Identity lookup_user(const std::string& user) {
    passwd* entry = ::getpwnam(user.c_str());
    if (!entry) throw std::runtime_error("no such user: " + user + " (is the server installed?)");
    Identity id{entry->pw_uid, entry->pw_gid, {}, entry->pw_dir};
    int count = 32;
    id.groups.resize(count);
    while (::getgrouplist(user.c_str(), id.gid, id.groups.data(), &count) < 0)
        id.groups.resize(count);
    id.groups.resize(count);
    return id;
}

[[noreturn]] void child_fail(const char* what) {
    (void)!::write(2, what, std::strlen(what));
    ::_exit(127);
}

}  // namespace

bool running_as_root() { return ::geteuid() == 0; }

std::vector<std::string> command_as(const std::string& user, std::vector<std::string> argv) {
    if (!running_as_root() || user.empty() || user == "root") return argv;
    argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", user, "--"});
    return argv;
}

ServerProcess::ServerProcess(const ProcessSpec& spec) {
    if (spec.argv.empty() || !spec.argv[0].starts_with('/'))
        throw std::invalid_argument("ServerProcess: argv[0] must be an absolute path");
    bool switch_user = running_as_root() && !spec.user.empty() && spec.user != "root";
    Identity id;
    std::vector<std::string> overrides = spec.env;
    if (switch_user) {
        id = lookup_user(spec.user);
        overrides.insert(overrides.begin(),
                         {"HOME=" + id.home, "USER=" + spec.user, "LOGNAME=" + spec.user});
    }
    const ExecImage image(spec.argv, overrides);
    std::string dir = spec.working_dir.string();

    int out = ::open(spec.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out < 0) throw std::runtime_error("cannot open " + spec.output.string());
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) {
        ::close(out);
        ::close(null);
        throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
        ::setsid();  // its own process group, so stop() reaches its helpers too
        ::dup2(null, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::close_range(3, ~0U, 0);  // no test file or socket leaks into the server
        if (switch_user) {
            if (::setgroups(id.groups.size(), id.groups.data()) != 0 || ::setgid(id.gid) != 0 ||
                ::setuid(id.uid) != 0)
                child_fail("ServerProcess: cannot switch user\n");
        }
        // After setuid, which clears it; then check the parent did not die in between.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(1);
        if (!dir.empty() && ::chdir(dir.c_str()) != 0) child_fail("ServerProcess: cannot chdir\n");
        image.exec();
        child_fail("ServerProcess: exec failed\n");
    }
    ::close(out);
    ::close(null);
}

ServerProcess::~ServerProcess() { stop(std::chrono::seconds(20)); }

bool ServerProcess::running() {
    if (!reap_if_exited()) return true;
    if (group_alive()) ::kill(-pid_, SIGKILL);  // it died by itself: its helpers go too
    return false;
}

std::string ServerProcess::exit_description() {
    if (running()) return {};
    if (WIFEXITED(*status_)) return "exit code " + std::to_string(WEXITSTATUS(*status_));
    return "signal " + std::to_string(WTERMSIG(*status_));
}

std::vector<pid_t> ServerProcess::processes() const {
    std::vector<pid_t> found;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        // pid (comm) state ppid pgrp ...; comm may hold spaces, so parse after the last ')'.
        auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream fields(stat.substr(close + 1));
        std::string state;
        pid_t ppid = 0, pgrp = 0;
        fields >> state >> ppid >> pgrp;
        if (pgrp == pid_ && state != "Z") found.push_back(std::stoi(name));
    }
    return found;
}

void ServerProcess::signal_group(int signal) const {
    ::kill(-pid_, signal);
    if (!status_) ::kill(pid_, signal);  // in case it has not called setsid() yet
}

bool ServerProcess::reap_if_exited() {
    if (status_) return true;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) status_ = status;
    if (r < 0) status_ = 0;  // not our child any more: nothing to reap
    return status_.has_value();
}

// Once the first process is reaped its pid stays reserved while any process still has it as
// process group id, so signalling -pid_ cannot reach a stranger while the group lives.
bool ServerProcess::group_alive() const {
    return ::kill(-pid_, 0) == 0 || errno == EPERM;  // EPERM: alive, run by another user
}

bool ServerProcess::wait_gone(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reap_if_exited() || group_alive()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

void ServerProcess::stop(std::chrono::milliseconds grace) {
    if (status_ && !group_alive()) return;
    signal_group(SIGTERM);
    if (wait_gone(grace)) return;
    kill();
}

void ServerProcess::kill() {
    if (status_ && !group_alive()) return;
    signal_group(SIGKILL);
    wait_gone(std::chrono::seconds(30));
}

}  // namespace roost::test

// SPDX-License-Identifier: MIT
// ServerProcess: a long-running child (a test's XMPP server) started as another user, in its
// own process group, killed with the test process, stopped with SIGTERM then SIGKILL.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace roost::test {

struct ProcessSpec {
    std::vector<std::string> argv;  // argv[0] is an absolute path; no shell
    std::string user;               // run as this user when we are root; empty: as ourselves
    std::filesystem::path working_dir;
    std::filesystem::path output;  // stdout and stderr are appended here
    std::vector<std::string> env;  // NAME=value added to (or replacing in) our environment
};

// Starts on construction; the destructor stops it. Stopping waits for its whole process group
// (a launcher script and the server it runs), not just the first process. The child gets
// SIGKILL when the thread that started it dies (PR_SET_PDEATHSIG), so a crashed test leaves no
// server behind: start servers from the test's main thread. (Grandchildren do not inherit
// that; a launcher that forks must arrange it for its server.)
class ServerProcess {
public:
    explicit ServerProcess(const ProcessSpec& spec);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    pid_t pid() const { return pid_; }
    // The processes of its group still alive (the first one while it runs, plus what it
    // started that stayed in the group).
    std::vector<pid_t> processes() const;

    // False once the first process has exited (the rest of its group is then killed).
    bool running();
    // How it ended, e.g. "exit code 1" or "signal 9"; empty while it runs.
    std::string exit_description();

    // SIGTERM to its process group, SIGKILL after `grace`; returns once the group is gone.
    void stop(std::chrono::milliseconds grace);
    // SIGKILL to its process group; returns once the group is gone.
    void kill();

private:
    void signal_group(int signal) const;
    bool reap_if_exited();  // true once the first process is reaped
    bool group_alive() const;
    // Waits until the first process is reaped and nothing is left in its group.
    bool wait_gone(std::chrono::milliseconds timeout);

    pid_t pid_ = -1;
    std::optional<int> status_;  // waitpid status once reaped
};

// argv to run a short command as `user`: through runuser when we are root and `user` is
// someone else, unchanged otherwise.
std::vector<std::string> command_as(const std::string& user, std::vector<std::string> argv);

// Whether this process may switch to another user (it runs as root).
bool running_as_root();

}  // namespace roost::test

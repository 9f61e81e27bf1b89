// SPDX-License-Identifier: MIT
// Daemon: a real roostd for one test, in a throwaway XDG tree (config, data,
// runtime), started in the background and always stopped at the end.
#pragma once

#include "tests/support/Run.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/XmppServer.hpp"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace roost::test {

// A [profiles.<user>] table for `user`'s account on `server` (loopback, plaintext),
// reached at `port` (a relay's) when not 0.
std::string profile_toml(const XmppServer& server, const std::string& user, int port = 0);

// The roostd and roost a Daemon runs: the build tree's, or an installed pair.
struct Programs {
    std::filesystem::path roostd, roost;
    static Programs built();
    static Programs installed_in(const std::filesystem::path& bindir);
};

class Daemon {
public:
    // Writes `config` (TOML, mode 0600) when not empty, then starts roostd and waits
    // until its socket accepts connections; throws when it does not come up.
    explicit Daemon(const std::string& config = {}, Programs programs = Programs::built());
    ~Daemon();  // SIGKILL if still running
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // The XDG variables that point roostd and roost at this tree.
    const std::map<std::string, std::string>& env() const { return env_; }
    std::filesystem::path socket() const;
    std::filesystem::path database() const;
    const TempDir& home() const { return home_; }

    // `roost ARGS...` against this daemon.
    RunResult roost(const std::vector<std::string>& args) const;
    // Another roostd on the same tree, run to completion (a second instance).
    RunResult run_another() const;

    // SIGTERM and wait; returns the exit status (128 + signal when killed).
    int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    void kill();
    bool running();
    // Starts roostd again on the same tree after terminate() or kill() (a database filled
    // while it was stopped, say) and waits for its socket as the constructor does.
    void restart();
    pid_t pid() const { return pid_; }  // roostd's while it runs, -1 otherwise
    std::string log() const;            // what roostd printed

private:
    pid_t start();
    void wait_until_listening();
    int wait(std::chrono::milliseconds timeout);

    Programs programs_;
    TempDir home_;
    std::map<std::string, std::string> env_;
    pid_t pid_ = -1;
};

}  // namespace roost::test

// SPDX-License-Identifier: MIT
// Secret: wiping passwords from memory, and running a password command with
// posix_spawnp (fork/exec without a shell, safe in a threaded process).
#include "src/core/Secret.hpp"

#include "src/core/Config.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

extern char** environ;

namespace roost::core {
namespace {

using Clock = std::chrono::steady_clock;

// A password is a line; more than this is a command that prints something else.
constexpr std::size_t kMaxOutput = 64 * 1024;
constexpr std::chrono::milliseconds kReapInterval{10};

// Overwrites the whole buffer, spare capacity included, before it goes back to
// the allocator. resize() within the capacity never reallocates.
void wipe(std::string& value) noexcept {
    value.resize(value.capacity());
    ::explicit_bzero(value.data(), value.size());
}

class WipeOnExit {
public:
    explicit WipeOnExit(std::string& value) : value_(value) {}
    ~WipeOnExit() { wipe(value_); }
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;

private:
    std::string& value_;
};

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;

    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

// The spawn attributes and file actions, destroyed with the object.
class SpawnSetup {
public:
    explicit SpawnSetup(int stdout_fd) {
        ::posix_spawn_file_actions_init(&actions_);
        ::posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
        ::posix_spawn_file_actions_adddup2(&actions_, stdout_fd, 1);
        // Its complaints could quote the secret; a user reruns it by hand to see them.
        ::posix_spawn_file_actions_addopen(&actions_, 2, "/dev/null", O_WRONLY, 0);
        ::posix_spawnattr_init(&attributes_);
        // Its own process group, so a timeout also kills what it started (gpg...).
        ::posix_spawnattr_setflags(
            &attributes_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
        ::posix_spawnattr_setpgroup(&attributes_, 0);
        sigset_t signals;
        sigemptyset(&signals);
        ::posix_spawnattr_setsigmask(&attributes_, &signals);
        sigaddset(&signals, SIGPIPE);  // the daemon ignores it; the command should not
        ::posix_spawnattr_setsigdefault(&attributes_, &signals);
    }
    ~SpawnSetup() {
        ::posix_spawn_file_actions_destroy(&actions_);
        ::posix_spawnattr_destroy(&attributes_);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    const posix_spawn_file_actions_t* actions() const { return &actions_; }
    const posix_spawnattr_t* attributes() const { return &attributes_; }

private:
    posix_spawn_file_actions_t actions_;
    posix_spawnattr_t attributes_;
};

// A started command; kills its process group and reaps it unless it was waited for.
class Child {
public:
    explicit Child(pid_t pid) : pid_(pid) {}
    ~Child() {
        if (reaped_) return;
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // The wait status, or nullopt when it is still running at `deadline`.
    std::optional<int> wait_until(Clock::time_point deadline) {
        for (;;) {
            int status = 0;
            pid_t done = ::waitpid(pid_, &status, WNOHANG);
            if (done == pid_) {
                reaped_ = true;
                return status;
            }
            if (done < 0 && errno != EINTR)
                throw PasswordError(std::string("cannot wait for the password command: ") +
                                    std::strerror(errno));
            if (Clock::now() >= deadline) return std::nullopt;
            std::this_thread::sleep_for(kReapInterval);
        }
    }

private:
    pid_t pid_;
    bool reaped_ = false;
};

std::string describe(std::chrono::milliseconds duration) {
    if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + " s";
    return std::to_string(duration.count()) + " ms";
}

pid_t spawn(const std::vector<std::string>& argv, int stdout_fd, const std::string& name) {
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    SpawnSetup setup(stdout_fd);
    pid_t pid = 0;
    int error =
        ::posix_spawnp(&pid, args[0], setup.actions(), setup.attributes(), args.data(), environ);
    if (error != 0) throw PasswordError(name + " cannot start: " + std::strerror(error));
    return pid;
}

// Everything the command prints until it closes its stdout, into `output`;
// false when `deadline` comes first.
bool read_output(int fd, Clock::time_point deadline, const std::string& name, std::string& output) {
    char buffer[4096];
    for (;;) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd readable{.fd = fd, .events = POLLIN, .revents = 0};
        int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) throw PasswordError(name + ": " + std::strerror(errno));
        if (ready <= 0) continue;
        ssize_t count = ::read(fd, buffer, sizeof buffer);
        if (count == 0) break;  // EOF
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) throw PasswordError(name + ": " + std::strerror(errno));
        output.append(buffer, static_cast<std::size_t>(count));
        if (output.size() > kMaxOutput)
            throw PasswordError(name + " printed more than " + std::to_string(kMaxOutput) +
                                " bytes; it should print the password alone");
    }
    ::explicit_bzero(buffer, sizeof buffer);
    return true;
}

}  // namespace

Secret::~Secret() { wipe(value_); }

Secret run_password_command(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) {
    if (argv.empty() || argv[0].empty()) throw PasswordError("the password command is empty");
    const std::string name = "password command '" + argv[0] + "'";
    const auto deadline = Clock::now() + timeout;
    const auto too_slow = name + " did not finish within " + describe(timeout);

    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) throw PasswordError(name + ": " + std::strerror(errno));
    Fd read_end(ends[0]), write_end(ends[1]);
    Child child(spawn(argv, write_end.get(), name));
    write_end.reset();  // the child holds the only writer now: its exit means EOF

    std::string output;
    WipeOnExit wipe_output(output);
    output.reserve(kMaxOutput + 4096);  // no reallocation leaves copies behind
    if (!read_output(read_end.get(), deadline, name, output)) throw PasswordError(too_slow);
    auto status = child.wait_until(deadline);
    if (!status) throw PasswordError(too_slow);
    if (WIFSIGNALED(*status))
        throw PasswordError(name + " was killed by signal " + std::to_string(WTERMSIG(*status)));
    if (WEXITSTATUS(*status) != 0)
        throw PasswordError(name + " exited with status " + std::to_string(WEXITSTATUS(*status)) +
                            "; run it by hand to see why");
    if (!output.empty() && output.back() == '\n') output.pop_back();
    if (output.empty()) throw PasswordError(name + " printed nothing");
    return Secret(output);
}

Secret resolve_password(const ProfileConfig& profile) {
    if (profile.password) return *profile.password;
    try {
        return run_password_command(profile.password_command);
    } catch (const PasswordError& e) {
        throw PasswordError("profile '" + profile.name + "': " + e.what());
    }
}

}  // namespace roost::core

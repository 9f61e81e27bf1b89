// SPDX-License-Identifier: MIT
// Secret: a password held in memory that cannot be printed or logged by accident,
// and resolve_password(), which gets one from the config or from a command.
#pragma once

#include <chrono>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

namespace roost::core {

struct ProfileConfig;

// A password that could not be obtained. The message names the command's argv[0]
// at most, never what it printed.
class PasswordError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// No operator<< and no fmt formatter on purpose: spdlog cannot format a Secret,
// so a log line cannot carry one. reveal() is the one, greppable, way in.
class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    ~Secret();
    Secret(const Secret&) = default;
    Secret(Secret&&) noexcept = default;
    // By value and swap: the old value leaves through a destructor, which wipes it.
    Secret& operator=(Secret other) noexcept {
        value_.swap(other.value_);
        return *this;
    }

    const std::string& reveal() const { return value_; }
    bool empty() const { return value_.empty(); }
    // "***", whatever the value: for messages that must mention a secret.
    std::string to_string() const { return "***"; }

    friend std::ostream& operator<<(std::ostream&, const Secret&) = delete;

private:
    std::string value_;
};

inline constexpr std::chrono::seconds kPasswordCommandTimeout{10};

// Runs argv (no shell; argv[0] looked up in $PATH) with stdin and stderr on
// /dev/null and returns what it printed on stdout, less one trailing newline.
// Throws PasswordError when it cannot start, exits non-zero, prints nothing or
// runs longer than `timeout` (then it is killed with its process group).
// Blocks the calling thread: keep it off the reactor.
Secret run_password_command(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout = kPasswordCommandTimeout);

// The profile's literal password, or the output of its password_command.
// Throws PasswordError whose message names the profile.
Secret resolve_password(const ProfileConfig& profile);

}  // namespace roost::core

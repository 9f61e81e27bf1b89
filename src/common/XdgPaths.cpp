// SPDX-License-Identifier: MIT
// XdgPaths: resolving the XDG variables with the specification's defaults.
#include "src/common/XdgPaths.hpp"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace roost::common {
namespace {

std::filesystem::path from_env(const char* variable, const char* home_relative) {
    // The specification says relative values are invalid and must be ignored.
    if (const char* value = std::getenv(variable); value && value[0] == '/') return value;
    const char* home = std::getenv("HOME");
    if (!home || home[0] != '/')
        throw std::runtime_error(std::string("neither $") + variable +
                                 " nor $HOME is set to an absolute path");
    return std::filesystem::path(home) / home_relative;
}

std::filesystem::path runtime_base() {
    if (const char* value = std::getenv("XDG_RUNTIME_DIR"); value && value[0] == '/') return value;
    // No session manager (a container, a cron job): a per-user directory in /tmp,
    // which the daemon creates with mode 0700.
    return std::filesystem::temp_directory_path() / ("roost-" + std::to_string(::getuid()));
}

}  // namespace

XdgPaths XdgPaths::from_environment() {
    return XdgPaths{
        .config_dir = from_env("XDG_CONFIG_HOME", ".config") / "roost",
        .data_dir = from_env("XDG_DATA_HOME", ".local/share") / "roost",
        .runtime_dir = runtime_base() / "roost",
    };
}

}  // namespace roost::common

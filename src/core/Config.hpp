// SPDX-License-Identifier: MIT
// Config: roost.toml, the user's settings (log level, plugin directories, one
// profile per XMPP account, plugin sections), read and checked in full at start.
#pragma once

#include "src/core/Secret.hpp"
#include "src/xmpp/TlsTrust.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/common.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace roost::core {

// A config file that cannot be used. The message is one line per problem:
// "FILE:LINE:COLUMN: what is wrong", and what to do when that is not obvious.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One XMPP account: a [profiles.<name>] table.
struct ProfileConfig {
    std::string name;
    std::string jid;
    // Exactly one of the two is set.
    std::optional<Secret> password;
    std::vector<std::string> password_command;
    std::optional<std::string> host;  // connect here instead of asking DNS SRV
    std::optional<std::uint16_t> port;
    bool allow_plaintext = false;  // only ever true with a loopback host
    bool direct_tls = false;       // TLS from the first byte, not STARTTLS
    xmpp::TlsTrustSettings trust;  // CA file or directory (absolute), pins
    bool autoconnect = true;
};

struct Config {
    spdlog::level::level_enum log_level = spdlog::level::info;
    // Searched after the built-in plugin locations; relative entries are taken
    // from the config file's directory.
    std::vector<std::filesystem::path> plugin_dirs;
    std::vector<ProfileConfig> profiles;  // sorted by name
    // [plugins.<name>] tables as JSON objects, unchecked: their keys are the
    // plugin's business.
    std::map<std::string, nlohmann::json, std::less<>> plugins;

    const ProfileConfig* profile(std::string_view name) const;
    // The plugin's table, or an empty object when the file has none.
    nlohmann::json plugin_settings(std::string_view name) const;

    // Reads and checks `path`; throws ConfigError on anything wrong, including a
    // missing file and a file holding a password that others may read.
    static Config load(const std::filesystem::path& path);
    // The same, but a missing file gives the defaults (no profiles): the daemon
    // runs without a config until the user writes one.
    static Config load_or_default(const std::filesystem::path& path);
};

}  // namespace roost::core

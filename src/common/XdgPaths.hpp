// SPDX-License-Identifier: MIT
// XdgPaths: where Roost keeps its config, data and runtime files, following the
// XDG base directory specification.
#pragma once

#include <filesystem>

namespace roost::common {

struct XdgPaths {
    std::filesystem::path config_dir;   // $XDG_CONFIG_HOME/roost
    std::filesystem::path data_dir;     // $XDG_DATA_HOME/roost
    std::filesystem::path runtime_dir;  // $XDG_RUNTIME_DIR/roost

    std::filesystem::path config_file() const { return config_dir / "roost.toml"; }
    std::filesystem::path database() const { return data_dir / "roost.db"; }
    std::filesystem::path socket() const { return runtime_dir / "roostd.sock"; }

    // From the environment; throws std::runtime_error when neither the XDG
    // variable nor $HOME says where a directory goes.
    static XdgPaths from_environment();
};

}  // namespace roost::common

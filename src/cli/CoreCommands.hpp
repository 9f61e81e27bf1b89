// SPDX-License-Identifier: MIT
// The `roost` commands the core answers: status, plugins, profile, stop.
#pragma once

#include "src/cli/CliContext.hpp"

#include <CLI/CLI.hpp>

namespace roost::cli {

// Adds the commands to `app`; each sets `exit_code` when it runs.
void add_core_commands(CLI::App& app, const CliContext& context, int& exit_code);

}  // namespace roost::cli

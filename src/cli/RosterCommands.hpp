// SPDX-License-Identifier: MIT
// The `roost roster` commands: the roster and presence subscriptions, over the roster
// plugin's IPC methods (doc/roster.md).
#pragma once

#include "src/cli/CliContext.hpp"

#include <CLI/CLI.hpp>

namespace roost::cli {

// Adds `roster` and its subcommands to `app`; each sets `exit_code` when it runs.
void add_roster_commands(CLI::App& app, const CliContext& context, int& exit_code);

}  // namespace roost::cli

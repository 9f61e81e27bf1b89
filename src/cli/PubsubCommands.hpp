// SPDX-License-Identifier: MIT
// The `roost pubsub` commands: items (get, publish, retract), subscriptions and
// nodes, over the xep_0060 plugin's IPC methods (doc/pubsub.md).
#pragma once

#include "src/cli/CliContext.hpp"

#include <CLI/CLI.hpp>

namespace roost::cli {

// Adds `pubsub` and its subcommands to `app`; each sets `exit_code` when it runs.
void add_pubsub_commands(CLI::App& app, const CliContext& context, int& exit_code);

}  // namespace roost::cli

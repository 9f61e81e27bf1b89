// SPDX-License-Identifier: MIT
// The `roost pubsub cache` commands: get, sync, purge, reset, search and stats, over
// the pubsub_cache plugin's IPC methods (doc/cache.md).
#pragma once

#include "src/cli/CliContext.hpp"

#include <CLI/CLI.hpp>

namespace roost::cli {

// Adds `cache` under the `pubsub` command (add_pubsub_commands first); each sets
// `exit_code` when it runs.
void add_cache_commands(CLI::App& app, const CliContext& context, int& exit_code);

}  // namespace roost::cli

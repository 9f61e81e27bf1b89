// SPDX-License-Identifier: MIT
// The `roost stream` commands: define, list, show, read and follow streams, the merged
// views of many cached feeds that the streams plugin keeps (doc/streams.md).
#pragma once

#include "src/cli/CliContext.hpp"

#include <CLI/CLI.hpp>

namespace roost::cli {

// Adds `stream` and its subcommands to `app`; each sets `exit_code` when it runs.
void add_stream_commands(CLI::App& app, const CliContext& context, int& exit_code);

}  // namespace roost::cli

// SPDX-License-Identifier: MIT
// The `roost blog` commands: posts, edits, retractions, reading a blog and its
// comments, over the xep_0277 plugin's blog.* methods (doc/blog.md).
#pragma once

#include "src/cli/CliContext.hpp"

#include <CLI/CLI.hpp>

namespace roost::cli {

// Adds `blog` and its subcommands to `app`; each sets `exit_code` when it runs.
void add_blog_commands(CLI::App& app, const CliContext& context, int& exit_code);

}  // namespace roost::cli

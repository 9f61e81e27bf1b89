// SPDX-License-Identifier: MIT
// ParseErrors: how `roost` and `roost-migrate` report a command line they cannot parse:
// one line on stderr, "PROGRAM: what is wrong", and exit 2 (doc/cli.md).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>

namespace roost::cli {

// `error` as one line, prefixed with `program` ("roost: --node is required").
std::string parse_error_line(std::string_view program, const CLI::Error& error);

// Prints what `error` calls for and returns the exit code: --help and --version print
// as CLI11 does and give 0; a real parse error prints parse_error_line() and gives
// `usage_exit` (2 for both programs).
int report_parse_error(const CLI::App& app, const CLI::ParseError& error, std::string_view program,
                       int usage_exit);

}  // namespace roost::cli

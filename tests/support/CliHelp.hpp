// SPDX-License-Identifier: MIT
// CliHelp: the command tree of a built program (roost, roost-migrate, roostd) as its
// --help shows it, for the tests that keep the man pages and the completion in step.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace roost::test {

// One command as `PROGRAM PATH... --help` lists it (CLI11's help format).
struct CommandHelp {
    std::vector<std::string> path;  // {"pubsub", "cache", "get"}; empty for the program
    std::vector<std::string> subcommands;
    std::vector<std::string> options;        // long forms: "--help", "--profile"
    std::vector<std::string> value_options;  // those of `options` that take a value
    // The values an option accepts, when --help lists them ("TEXT:{trace,debug}").
    std::map<std::string, std::vector<std::string>> choices;

    // "roost pubsub cache get" for the program "roost".
    std::string command_line(const std::string& program) const;
};

// The built programs, by name.
std::filesystem::path built_program(const std::string& name);

// Every command of `name` (the program first, then each subcommand depth-first), from
// running `--help` on each. Fails the test when a --help does not exit with 0.
std::vector<CommandHelp> help_tree(const std::string& name);

}  // namespace roost::test

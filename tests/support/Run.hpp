// SPDX-License-Identifier: MIT
// run(): starts a program with arguments (no shell), waits, and captures what it
// printed, for tests of the command-line tools.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace roost::test {

struct RunResult {
    int exit_code = -1;  // 128 + signal number when killed by a signal
    std::string out;
    std::string err;
};

// The program `name` as a shell finds it on PATH; throws when there is none.
std::filesystem::path program_on_path(const std::string& name);

// `env` is added to (or overrides) this process's environment. argv[0] is a path:
// see program_on_path().
RunResult run(const std::vector<std::string>& argv,
              const std::map<std::string, std::string>& env = {});

}  // namespace roost::test

// SPDX-License-Identifier: MIT
// run(): starts a program with arguments (no shell), waits, and captures what it
// printed, for tests of the command-line tools.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace roost::test {

struct RunResult {
    int exit_code = -1;  // 128 + signal number when killed by a signal
    std::string out;
    std::string err;
};

// `env` is added to (or overrides) this process's environment.
RunResult run(const std::vector<std::string>& argv,
              const std::map<std::string, std::string>& env = {});

}  // namespace roost::test

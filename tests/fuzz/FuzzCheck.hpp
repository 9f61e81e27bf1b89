// SPDX-License-Identifier: MIT
// FuzzCheck: the invariants a fuzz target asserts. A broken one aborts, so libFuzzer
// keeps the input that broke it as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace roost::fuzz {

[[noreturn]] inline void broken(const std::string& what) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what.c_str());
    std::abort();
}

inline void check(bool holds, const std::string& what) {
    if (!holds) broken(what);
}

}  // namespace roost::fuzz

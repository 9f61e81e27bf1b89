// SPDX-License-Identifier: MIT
// TimeScale: how much longer a test may wait in a build that runs slower than the plain
// one (the sanitizer stage of scripts/test sets ROOST_TEST_TIME_SCALE=3).
#pragma once

#include <chrono>
#include <cstdlib>
#include <string>

namespace roost::test {

// ROOST_TEST_TIME_SCALE, or 1 when unset or not a number of at least 1.
inline double time_scale() {
    static const double scale = [] {
        const char* text = std::getenv("ROOST_TEST_TIME_SCALE");
        if (text == nullptr) return 1.0;
        try {
            double value = std::stod(text);
            return value >= 1.0 ? value : 1.0;
        } catch (const std::exception&) {
            return 1.0;
        }
    }();
    return scale;
}

// A wait limit or a latency bound of a plain build, stretched by time_scale().
inline std::chrono::milliseconds scaled(std::chrono::milliseconds limit) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(limit.count() * time_scale()));
}

}  // namespace roost::test

// SPDX-License-Identifier: MIT
// UnixTime: the wall clock as the database keeps times, Unix milliseconds.
#pragma once

#include <chrono>
#include <cstdint>

namespace roost::storage {

inline std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace roost::storage

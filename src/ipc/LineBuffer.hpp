// SPDX-License-Identifier: MIT
// LineBuffer: the IPC framing, one JSON message per line. Collects bytes as they
// arrive and hands out complete lines, refusing any line longer than a limit.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace roost::ipc {

class LineBuffer {
public:
    explicit LineBuffer(std::size_t max_line) : max_line_(max_line) {}

    void append(std::string_view bytes) { buffer_.append(bytes); }
    // The next complete line without its "\n" (or "\r\n"); nullopt when none is
    // complete yet, or when the next line is too long (then overflowed() is true).
    std::optional<std::string> next_line();
    // Sticky: the connection's framing is lost, nothing more can be read from it.
    bool overflowed() const { return overflowed_; }
    // Bytes of the incomplete line waiting for its end.
    std::size_t pending() const { return buffer_.size() - start_; }

private:
    std::size_t max_line_;
    std::string buffer_;
    std::size_t start_ = 0;  // where the next line begins
    std::size_t scan_ = 0;   // where the search for "\n" resumes, to scan each byte once
    bool overflowed_ = false;
};

}  // namespace roost::ipc

// SPDX-License-Identifier: MIT
// LineBuffer: lines are cut out of one string; consumed bytes are dropped in bulk
// once they make up half of it, so a stream of small lines costs linear time.
#include "src/ipc/LineBuffer.hpp"

namespace roost::ipc {

std::optional<std::string> LineBuffer::next_line() {
    if (overflowed_) return std::nullopt;
    auto end = buffer_.find('\n', scan_);
    if (end == std::string::npos) {
        scan_ = buffer_.size();
        overflowed_ = pending() > max_line_;
        return std::nullopt;
    }
    if (end - start_ > max_line_) {
        overflowed_ = true;
        return std::nullopt;
    }
    std::string line = buffer_.substr(start_, end - start_);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    start_ = scan_ = end + 1;
    if (start_ * 2 >= buffer_.size()) {
        buffer_.erase(0, start_);
        start_ = scan_ = 0;
    }
    return line;
}

}  // namespace roost::ipc

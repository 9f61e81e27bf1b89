// SPDX-License-Identifier: MIT
// Fd: close(2) without retrying on EINTR, which on Linux would close a reused number.
#include "src/reactor/Fd.hpp"

#include <unistd.h>

namespace roost::reactor {

void Fd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

}  // namespace roost::reactor

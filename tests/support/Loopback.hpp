// SPDX-License-Identifier: MIT
// Loopback TCP helpers for test servers: pick a free port on 127.0.0.1, check that a
// server accepts connections on one.
#pragma once

#include <netinet/in.h>

namespace roost::test {

// 127.0.0.1:port as the socket calls take it.
sockaddr_in loopback_address(int port);

// A TCP port on 127.0.0.1 that nothing used a moment ago: binds port 0, reads the port the
// kernel chose and closes. Another process could take it in between; that is rare enough.
int pick_free_port();

// True when a TCP connection to 127.0.0.1:port succeeds right now.
bool port_accepts(int port);

}  // namespace roost::test

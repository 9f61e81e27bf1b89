// SPDX-License-Identifier: MIT
// RecordingRelay: a TCP relay on loopback that forwards each connection to a target port and
// records every byte the clients sent, to check on the wire what a client puts in clear
// (that it never sends `<auth` before TLS, say).
#pragma once

#include <mutex>
#include <string>
#include <thread>

namespace roost::test {

// RecordingRelay relay(server.client_port());
// connect the client to 127.0.0.1:relay.port(); afterwards check relay.client_bytes().
// Each accepted connection gets its own connection to 127.0.0.1:target_port; bytes go both
// ways unchanged, one background thread serves them all (poll), an end closed on one side is
// closed on the other. The destructor closes everything and joins the thread.
class RecordingRelay {
public:
    explicit RecordingRelay(int target_port);
    ~RecordingRelay();
    RecordingRelay(const RecordingRelay&) = delete;
    RecordingRelay& operator=(const RecordingRelay&) = delete;

    int port() const { return port_; }
    // Everything the clients sent so far, in the order it arrived (all connections).
    std::string client_bytes() const;
    // How many connections it accepted so far.
    int connections() const;

private:
    void serve();

    int target_port_;
    int listen_fd_ = -1;
    int port_ = 0;
    int wake_[2] = {-1, -1};  // a pipe: the destructor writes to stop serve()
    mutable std::mutex mutex_;
    std::string client_bytes_;
    int connections_ = 0;
    std::thread thread_;  // last: started once the rest is set up
};

}  // namespace roost::test

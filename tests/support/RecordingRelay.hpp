// SPDX-License-Identifier: MIT
// RecordingRelay: a TCP relay on loopback that forwards each connection to a target port and
// records every byte the clients sent, to check on the wire what a client puts in clear
// (that it never sends `<auth` before TLS, say); and cuts the line on demand, as a network
// outage would.
#pragma once

#include <condition_variable>
#include <cstddef>
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
    // How many bytes the servers sent so far (all connections; counted, not kept).
    std::size_t server_byte_count() const;
    // How many connections it relayed so far.
    int connections() const;

    // A network outage: every relayed connection is reset at both ends (neither peer
    // sees a clean close), and new connections wait, unanswered, until restore() (their
    // TCP handshake completes in the kernel's backlog, as a stalled line's would).
    // cut() returns once it is done.
    void cut();
    void restore();
    // Until the next cut(): what the servers send is not passed on (it waits in their
    // sockets), so that a request the client sends gets no answer before the line breaks.
    void stall_servers();

private:
    void serve();

    int target_port_;
    int listen_fd_ = -1;
    int port_ = 0;
    int wake_[2] = {-1, -1};  // a pipe that wakes serve(): to stop, to cut, to poll again
    mutable std::mutex mutex_;
    std::condition_variable cut_done_;
    std::string client_bytes_;
    std::size_t server_byte_count_ = 0;
    int connections_ = 0;
    bool cut_asked_ = false;  // by cut(), until serve() has reset the connections
    bool holding_ = false;    // from cut() until restore(): nothing is accepted
    bool stalled_ = false;    // from stall_servers() until cut(): servers are not read
    std::thread thread_;      // last: started once the rest is set up
};

}  // namespace roost::test

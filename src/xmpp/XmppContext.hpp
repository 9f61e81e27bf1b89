// SPDX-License-Identifier: MIT
// XmppContext: libstrophe's run-time context, driven from the reactor: each loop
// iteration lets libstrophe read, write and run its timers without blocking.
#pragma once

#include "src/reactor/Reactor.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

struct _xmpp_ctx_t;
struct _xmpp_log_t;

namespace roost::xmpp {

class Connection;

// Reactor thread only. Outlives every Connection made with it. Makes the process
// ignore SIGPIPE: libstrophe writes to sockets without MSG_NOSIGNAL, and a server
// that goes away must end a connection, not the process.
class XmppContext {
public:
    // libstrophe's own timers (keepalive, stream-management acks, connect timeouts)
    // need it to run now and then even when no socket is ready.
    static constexpr std::chrono::milliseconds kMaxIdle{250};
    // Rounds of libstrophe per loop iteration (4 KB read each), so that a large
    // answer is read in one go yet IPC and timers still get their turn.
    static constexpr int kMaxRounds = 64;

    explicit XmppContext(reactor::Reactor& reactor);
    ~XmppContext();
    XmppContext(const XmppContext&) = delete;
    XmppContext& operator=(const XmppContext&) = delete;

    _xmpp_ctx_t* get() const { return ctx_; }
    reactor::Reactor& reactor() const { return reactor_; }

    // Lets libstrophe do whatever it can without waiting.
    void run_once();

    // Connections say when they are active, so that an idle daemon sleeps, and
    // register so that their socket watches follow libstrophe's needs.
    void add_active() { ++active_; }
    void remove_active() { --active_; }
    void add_connection(Connection* connection) { connections_.insert(connection); }
    void remove_connection(Connection* connection) { connections_.erase(connection); }

    // libstrophe reports why a connection failed only in its log: the last such
    // reason (never anything sent or received) and a count, so that a Connection
    // can tell whether it is news since its attempt started.
    const std::string& last_problem() const { return last_problem_; }
    std::uint64_t problem_count() const { return problem_count_; }
    void note_problem(std::string problem);

private:
    bool has_input() const;

    reactor::Reactor& reactor_;
    std::unique_ptr<_xmpp_log_t> log_;
    _xmpp_ctx_t* ctx_;
    int active_ = 0;
    std::set<Connection*> connections_;
    std::string last_problem_;
    std::uint64_t problem_count_ = 0;
};

}  // namespace roost::xmpp

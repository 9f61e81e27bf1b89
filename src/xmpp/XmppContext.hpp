// SPDX-License-Identifier: MIT
// XmppContext: libstrophe driven from the reactor: each loop iteration lets every
// connection's libstrophe read, write and run its timers without blocking.
#pragma once

#include "src/reactor/Reactor.hpp"

#include <chrono>
#include <set>

struct _xmpp_ctx_t;

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

    explicit XmppContext(reactor::Reactor& reactor);
    ~XmppContext();
    XmppContext(const XmppContext&) = delete;
    XmppContext& operator=(const XmppContext&) = delete;

    reactor::Reactor& reactor() const { return reactor_; }
    // A libstrophe context of no connection, with no log: for parsing XML with
    // libstrophe's parser (Stanza::parse). Each Connection has a context of its own.
    _xmpp_ctx_t* get() const { return ctx_; }

    // Lets libstrophe do whatever it can without waiting.
    void run_once();

    // Connections say when they are active, so that an idle daemon sleeps, and
    // register so that their socket watches follow libstrophe's needs.
    void add_active() { ++active_; }
    void remove_active() { --active_; }
    void add_connection(Connection* connection) { connections_.insert(connection); }
    void remove_connection(Connection* connection) { connections_.erase(connection); }

private:
    reactor::Reactor& reactor_;
    _xmpp_ctx_t* ctx_ = nullptr;
    int active_ = 0;
    std::set<Connection*> connections_;
};

}  // namespace roost::xmpp

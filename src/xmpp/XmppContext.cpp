// SPDX-License-Identifier: MIT
// XmppContext: libstrophe's library set-up and its turns in the reactor loop.
#include "src/xmpp/XmppContext.hpp"

#include "src/xmpp/Connection.hpp"
#include "src/xmpp/NamespacedAttributes.hpp"

#include <strophe.h>

#include <csignal>
#include <new>
#include <vector>

namespace roost::xmpp {

XmppContext::XmppContext(reactor::Reactor& reactor) : reactor_(reactor) {
    std::signal(SIGPIPE, SIG_IGN);
    xmpp_initialize();
    ctx_ = xmpp_ctx_new(nullptr, nullptr);
    try {
        if (!ctx_) throw std::bad_alloc();
        require_namespaced_attributes(ctx_);
    } catch (...) {
        if (ctx_) xmpp_ctx_free(ctx_);
        xmpp_shutdown();
        throw;
    }
    reactor_.set_iteration_hook([this] {
        run_once();
        return active_ > 0 ? kMaxIdle : reactor::Reactor::kForever;
    });
}

XmppContext::~XmppContext() {
    reactor_.set_iteration_hook(nullptr);
    xmpp_ctx_free(ctx_);
    xmpp_shutdown();
}

void XmppContext::run_once() {
    // A connection's callbacks may end another connection: go by a copy.
    std::vector<Connection*> connections(connections_.begin(), connections_.end());
    for (Connection* connection : connections)
        if (connections_.contains(connection)) connection->run_once();
}

}  // namespace roost::xmpp

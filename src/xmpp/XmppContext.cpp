// SPDX-License-Identifier: MIT
// XmppContext: creating libstrophe's context and logging it safely.
#include "src/xmpp/XmppContext.hpp"

#include "src/xmpp/Connection.hpp"
#include "src/xmpp/NamespacedAttributes.hpp"

#include <strophe.h>

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace roost::xmpp {
namespace {

// How libstrophe 0.12 words a failed TCP connect, at debug level only.
constexpr std::string_view kConnectFailed = "connection failed, error ";

// libstrophe logs every byte sent and received at debug level, SASL exchanges
// (and so passwords) included: only its warnings and errors reach our logs, and
// of its debug lines only the one that says why a TCP connect failed is read.
void log_from_strophe(void* self, xmpp_log_level_t level, const char* area, const char* message) {
    auto* context = static_cast<XmppContext*>(self);
    std::string_view text(message);
    if (level == XMPP_LEVEL_DEBUG && text.substr(0, kConnectFailed.size()) == kConnectFailed) {
        int error = std::atoi(message + kConnectFailed.size());
        context->note_problem(std::string("cannot connect: ") + std::strerror(error));
    } else if (level == XMPP_LEVEL_WARN) {
        spdlog::warn("libstrophe {}: {}", area, message);
    } else if (level == XMPP_LEVEL_ERROR) {
        spdlog::error("libstrophe {}: {}", area, message);
        context->note_problem(message);
    }
}

}  // namespace

XmppContext::XmppContext(reactor::Reactor& reactor)
    : reactor_(reactor), log_(std::make_unique<xmpp_log_t>()) {
    std::signal(SIGPIPE, SIG_IGN);
    log_->handler = log_from_strophe;
    log_->userdata = this;
    xmpp_initialize();
    ctx_ = xmpp_ctx_new(nullptr, log_.get());
    if (!ctx_) throw std::bad_alloc();
    try {
        require_namespaced_attributes(ctx_);
    } catch (...) {
        xmpp_ctx_free(ctx_);
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
    // One xmpp_run_once reads at most 4 KB and sends only what was queued before
    // it: go on while input waits, and once more to send what the last input made
    // libstrophe queue (stream-management <a/>s, which no queue length shows).
    for (int round = 0; round < kMaxRounds; ++round) {
        bool input = has_input();
        xmpp_run_once(ctx_, 0);
        if (!input) break;
    }
    for (Connection* connection : connections_) connection->follow_socket();
}

bool XmppContext::has_input() const {
    for (const Connection* connection : connections_)
        if (connection->has_input()) return true;
    return false;
}

void XmppContext::note_problem(std::string problem) {
    last_problem_ = std::move(problem);
    ++problem_count_;
}

}  // namespace roost::xmpp

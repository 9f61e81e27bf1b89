// SPDX-License-Identifier: MIT
// IqTracker: matching answers to requests, timeouts, failing on disconnect.
#include "src/xmpp/IqTracker.hpp"

#include "roost/Jid.hpp"
#include "src/xmpp/IqErrors.hpp"

#include <cstring>

namespace roost::xmpp {
namespace {

std::string domain_of(std::string_view jid) {
    std::string b = bare_jid(jid);
    auto at = b.find('@');
    return at == std::string::npos ? b : b.substr(at + 1);
}

// RFC 6120 §10.1: an answer to a request sent without 'to' may come without
// 'from', or from our bare JID or our server.
bool answered_by_peer(std::string_view from, const std::string& peer, const std::string& own) {
    if (peer.empty()) return from.empty() || bare_jid(from) == own || from == domain_of(own);
    return from == peer || (from.empty() && (peer == own || peer == domain_of(own)));
}

}  // namespace

IqTracker::~IqTracker() {
    for (auto& [id, pending] : pending_) reactor_.cancel_timer(pending.timer);
}

std::string IqTracker::next_id() { return "roost" + std::to_string(++counter_); }

void IqTracker::track(const std::string& id, std::string peer, std::string request,
                      std::chrono::milliseconds timeout, IqCallback callback) {
    auto timer = reactor_.add_timer(timeout, [this, id] {
        auto found = pending_.find(id);
        if (found == pending_.end()) return;
        finish(id, {nullptr, local_error(XmppError::Kind::Timeout, found->second.request)});
    });
    pending_[id] = {std::move(peer), std::move(request), timer, std::move(callback)};
}

bool IqTracker::resolve(std::shared_ptr<const pugi::xml_document> stanza,
                        const std::string& own_bare_jid) {
    pugi::xml_node iq = stanza->document_element();
    auto found = pending_.find(iq.attribute("id").value());
    if (found == pending_.end()) return false;
    if (!answered_by_peer(iq.attribute("from").value(), found->second.peer, own_bare_jid))
        return false;  // a spoofed or stray answer: ignore it, keep waiting
    std::string id = found->first;
    reactor_.cancel_timer(found->second.timer);
    if (std::strcmp(iq.attribute("type").value(), "error") == 0) {
        finish(id, {nullptr, error_from_iq(iq, found->second.request)});
    } else {
        finish(id, {std::move(stanza), std::nullopt});
    }
    return true;
}

void IqTracker::fail_all(const std::string& reason) {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, request] : pending) {
        reactor_.cancel_timer(request.timer);
        request.callback(
            {nullptr, local_error(XmppError::Kind::Disconnected, request.request, reason)});
    }
}

void IqTracker::finish(const std::string& id, IqAnswer answer) {
    auto node = pending_.extract(id);  // out of the map first: the callback may send more
    node.mapped().callback(std::move(answer));
}

}  // namespace roost::xmpp

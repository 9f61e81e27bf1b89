// SPDX-License-Identifier: MIT
// IqTracker: the IQ requests waiting for an answer: their ids, timeouts, and the
// callbacks that get a result or a typed error, exactly once each.
#pragma once

#include "roost/Xmpp.hpp"
#include "src/reactor/Reactor.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace roost::xmpp {

// Reactor thread only.
class IqTracker {
public:
    explicit IqTracker(reactor::Reactor& reactor) : reactor_(reactor) {}
    ~IqTracker();
    IqTracker(const IqTracker&) = delete;
    IqTracker& operator=(const IqTracker&) = delete;

    // A fresh id, unique within this tracker's life.
    std::string next_id();

    // `peer` is the JID the request went to ("" for our own server or account);
    // only an answer from it resolves the request.
    void track(const std::string& id, std::string peer, std::string request,
               std::chrono::milliseconds timeout, IqCallback callback);

    // Resolves the request the stanza (type result or error) answers; false when
    // it answers nothing of ours.
    bool resolve(std::shared_ptr<const pugi::xml_document> stanza, const std::string& own_bare_jid);

    // Fails every pending request (the connection went down).
    void fail_all(const std::string& reason);
    // fail_all's reason for requests held across a drop when a new session follows.
    static constexpr const char* kSessionNotResumed = "session not resumed";

    std::size_t pending() const { return pending_.size(); }

private:
    struct Pending {
        std::string peer;
        std::string request;
        reactor::TimerId timer;
        IqCallback callback;
    };
    void finish(const std::string& id, IqAnswer answer);

    reactor::Reactor& reactor_;
    std::unordered_map<std::string, Pending> pending_;
    std::uint64_t counter_ = 0;
};

}  // namespace roost::xmpp

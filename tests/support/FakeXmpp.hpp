// SPDX-License-Identifier: MIT
// FakeXmpp: the SDK's Xmpp with scripted accounts instead of servers, as QXmpp's
// TestClient and Swiften's DummyStanzaChannel: it records every stanza a plugin sends,
// and the test answers each IQ, injects messages, connects and disconnects.
#pragma once

#include "roost/Xmpp.hpp"
#include "src/reactor/Reactor.hpp"
#include "src/xmpp/IqTracker.hpp"

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace roost::test {

// One IQ a plugin sent, parsed.
struct SentIq {
    std::string id;
    std::string type;  // "get" or "set"
    std::string to;    // "" for the account's own server or PEP service
    std::string request;
    std::string payload;
    std::shared_ptr<pugi::xml_document> document;  // the payload

    // The first element named `name` (no prefix) in the payload, or an empty node.
    pugi::xml_node find(const char* name) const;
    // The node="" of the first element that has one.
    std::string node() const;
};

// One profile's account. IQs are answered by the test, through the real IqTracker
// (ids, timeouts, <error/> reading, failure on disconnect). Reactor thread only.
class FakeClient final : public XmppClient {
public:
    FakeClient(reactor::Reactor& reactor, std::string profile, std::string bare_jid);

    const std::string& profile() const override { return profile_; }
    const std::string& bare_jid() const override { return bare_jid_; }
    bool connected() const override { return connected_; }
    bool resumed() const override { return resumed_; }
    void send_iq(std::string_view type, std::string_view to, std::string_view payload,
                 std::string request, IqCallback callback,
                 std::chrono::milliseconds timeout) override;
    void send(std::string_view xml) override;
    void answer_iq(pugi::xml_node request, std::string_view payload = {}) override;
    void refuse_iq(pugi::xml_node request, std::string_view type,
                   std::string_view condition) override;

    // The IQs sent and not yet taken by the test, oldest first.
    std::size_t waiting() const { return waiting_.size(); }
    // Takes the oldest IQ the test has not taken; fails the test when there is none.
    SentIq next_iq();
    // Takes the oldest waiting IQ with an element `name` in its payload; fails the test
    // when there is none.
    SentIq next_iq(const char* name);

    // Answers with <iq type='result'>`children`</iq> from where the IQ went.
    void answer(const SentIq& iq, std::string_view children = {});
    // Answers with an RFC 6120 stanza error, e.g. ("item-not-found", "cancel").
    void answer_error(const SentIq& iq, std::string_view condition, std::string_view type);

    // Every IQ and stanza sent, in order (IQs as their payload).
    const std::vector<std::string>& sent() const { return sent_; }
    std::size_t pending_answers() const { return tracker_.pending(); }

private:
    friend class FakeXmpp;

    void resolve(std::string xml);

    std::string profile_;
    std::string bare_jid_;
    bool connected_ = false;
    bool resumed_ = false;
    xmpp::IqTracker tracker_;
    std::deque<SentIq> waiting_;
    std::vector<std::string> sent_;
};

// Accounts by profile, connected and disconnected by the test.
class FakeXmpp final : public Xmpp {
public:
    explicit FakeXmpp(reactor::Reactor& reactor) : reactor_(reactor) {}

    // Connects the profile's account (made on first use) in a new session and tells the
    // handlers; requests a dropped session left waiting fail first.
    FakeClient& connect(const std::string& profile, const std::string& bare_jid);
    // Reconnects a disconnected account as a resumed session (XEP-0198): the handlers
    // hear it come back with resumed() true.
    FakeClient& resume(const std::string& profile);
    // As a lost connection whose session cannot resume: its waiting requests fail, then
    // the handlers hear it.
    void disconnect(const std::string& profile, const std::string& reason = "connection lost");
    // As a line that breaks while its session may resume (xmpp::Connection): its waiting
    // requests wait, for resume() to bring their answers or connect() (a new session)
    // to fail them; the handlers hear it.
    void drop(const std::string& profile);
    // Disconnects every connected account, as the daemon does before it stops plugins.
    void close_all();
    // Delivers a stanza as the profile's server would: a <message/> or <presence/> to
    // every handler of its kind, an IQ request to the handler of its payload's
    // namespace, or else refused with service-unavailable as the daemon does.
    void inject(const std::string& profile, std::string_view stanza_xml);
    FakeClient& account(const std::string& profile);

    XmppClient* client(const std::string& profile) override;
    std::vector<XmppClient*> clients() override;
    std::vector<std::string> profiles() override;
    XmppHandlerId on_message(MessageHandler handler) override;
    XmppHandlerId on_presence(PresenceHandler handler) override;
    XmppHandlerId on_iq_request(const std::string& payload_namespace,
                                IqRequestHandler handler) override;
    XmppHandlerId on_connection(ConnectionHandler handler) override;
    void remove_handler(XmppHandlerId id) override;
    void add_feature(const std::string& feature) override { features.insert(feature); }

    std::size_t handler_count() const {
        return on_message_.size() + on_presence_.size() + on_iq_.size() + on_connection_.size();
    }
    std::set<std::string> features;

private:
    void tell_handlers(FakeClient& client, bool connected);

    reactor::Reactor& reactor_;
    std::map<std::string, std::unique_ptr<FakeClient>> clients_;
    XmppHandlerId next_id_ = 1;
    std::map<XmppHandlerId, MessageHandler> on_message_;
    std::map<XmppHandlerId, PresenceHandler> on_presence_;
    std::map<XmppHandlerId, std::pair<std::string, IqRequestHandler>> on_iq_;
    std::map<XmppHandlerId, ConnectionHandler> on_connection_;
};

}  // namespace roost::test

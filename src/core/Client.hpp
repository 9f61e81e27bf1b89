// SPDX-License-Identifier: MIT
// Client: one profile's XMPP account as the SDK shows it (roost::XmppClient),
// over an xmpp::Connection, answering service discovery for the daemon.
#pragma once

#include "roost/Xmpp.hpp"
#include "src/core/Config.hpp"
#include "src/xmpp/Connection.hpp"

#include <functional>
#include <memory>
#include <set>
#include <string>

namespace roost::core {

// Reactor thread only.
class Client final : public XmppClient {
public:
    // Every incoming stanza but IQ answers and disco#info requests; true when taken.
    // An IQ request nobody takes is refused with service-unavailable.
    using StanzaSink = std::function<bool(Client&, pugi::xml_node stanza)>;
    using StateSink =
        std::function<void(Client&, xmpp::ConnectionState, const std::string& reason)>;

    Client(xmpp::XmppContext& context, const ProfileConfig& profile, std::string password,
           const std::set<std::string>& features, StanzaSink on_stanza, StateSink on_state);

    const std::string& profile() const override { return profile_; }
    const std::string& bare_jid() const override { return connection_.bare_jid(); }
    bool connected() const override {
        return connection_.state() == xmpp::ConnectionState::Connected;
    }
    bool resumed() const override { return connection_.resumed(); }
    void send_iq(std::string_view type, std::string_view to, std::string_view payload,
                 std::string request, IqCallback callback,
                 std::chrono::milliseconds timeout = kDefaultIqTimeout) override;
    void send(std::string_view xml) override { connection_.send(xml); }
    void answer_iq(pugi::xml_node request, std::string_view payload = {}) override;
    void refuse_iq(pugi::xml_node request, std::string_view type,
                   std::string_view condition) override;

    xmpp::Connection& connection() { return connection_; }
    // Sends our presence with caps (XEP-0115) when connected: at login, and again
    // whenever the features change, so the server's PEP learns the new +notify. The
    // session's last presence is not sent twice.
    void announce();

private:
    void handle_stanza(std::shared_ptr<const pugi::xml_document> stanza);
    void answer_disco_info(pugi::xml_node iq);
    std::set<std::string> all_features() const;

    std::string profile_;
    const std::set<std::string>& features_;
    StanzaSink on_stanza_;
    std::string announced_;  // the presence this session last sent
    xmpp::Connection connection_;
};

}  // namespace roost::core

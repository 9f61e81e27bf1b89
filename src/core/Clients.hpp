// SPDX-License-Identifier: MIT
// Clients: the XMPP side of the backend: one Client per configured profile, the
// SDK's roost::Xmpp (handlers, features) over them, and connect/disconnect.
#pragma once

#include "roost/Xmpp.hpp"
#include "src/core/Client.hpp"
#include "src/core/Config.hpp"
#include "src/xmpp/XmppContext.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace roost::core {

// Reactor thread only.
class Clients final : public Xmpp {
public:
    Clients(reactor::Reactor& reactor, const std::vector<ProfileConfig>& profiles);
    ~Clients() override;

    XmppClient* client(const std::string& profile) override;
    std::vector<XmppClient*> clients() override;
    std::vector<std::string> profiles() override;
    XmppHandlerId on_message(MessageHandler handler) override;
    XmppHandlerId on_presence(PresenceHandler handler) override;
    XmppHandlerId on_iq_request(const std::string& payload_namespace,
                                IqRequestHandler handler) override;
    XmppHandlerId on_connection(ConnectionHandler handler) override;
    void remove_handler(XmppHandlerId id) override;
    void add_feature(const std::string& feature) override;

    // Starts connecting (and reconnecting) the profile; resolves its password
    // first, which may run the profile's password_command. Throws for an unknown
    // profile or a password that cannot be had.
    void connect(const std::string& profile);
    void disconnect(const std::string& profile);
    void connect_autoconnect_profiles();
    // Closes every connection now; pending requests fail with "connection closed".
    void close_all();

    struct Status {
        std::string profile, jid, state, last_error;
        std::optional<xmpp::StreamSecurity> security;  // while connected
    };
    std::vector<Status> status() const;

private:
    // Messages and presences to every handler of their kind, an IQ request to the
    // handler of its payload's namespace; true when a handler took the stanza.
    bool dispatch_stanza(Client& client, pugi::xml_node stanza);
    template <class Handlers>
    void dispatch_to(Handlers& handlers, Client& client, pugi::xml_node stanza);
    void dispatch_state(Client& client, xmpp::ConnectionState state, const std::string& reason);

    xmpp::XmppContext context_;
    std::vector<ProfileConfig> profiles_;
    std::map<std::string, std::unique_ptr<Client>> clients_;
    std::set<std::string> features_;
    std::map<XmppHandlerId, MessageHandler> message_handlers_;
    std::map<XmppHandlerId, PresenceHandler> presence_handlers_;
    struct IqRoute {
        std::string payload_namespace;
        IqRequestHandler handler;
    };
    std::map<XmppHandlerId, IqRoute> iq_handlers_;
    std::map<XmppHandlerId, ConnectionHandler> connection_handlers_;
    XmppHandlerId next_handler_ = 1;
};

}  // namespace roost::core

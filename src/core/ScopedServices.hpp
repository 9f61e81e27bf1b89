// SPDX-License-Identifier: MIT
// ScopedIpc and ScopedXmpp: the Ipc and Xmpp one plugin sees. They forward to the
// daemon's and remove what the plugin registered when it goes, as ScopedTriggers does.
#pragma once

#include "roost/Ipc.hpp"
#include "roost/Xmpp.hpp"

#include <set>
#include <string>

namespace roost::core {

// A plugin's handlers are code in its library: they must be gone before the host
// unloads it, whatever the plugin remembered to remove. Reactor thread only.
class ScopedIpc final : public Ipc {
public:
    explicit ScopedIpc(Ipc& ipc) : target_(ipc) {}
    ~ScopedIpc() override;
    ScopedIpc(const ScopedIpc&) = delete;
    ScopedIpc& operator=(const ScopedIpc&) = delete;

    void add_method(const std::string& name, RpcMethod method) override;
    void remove_method(const std::string& name) override;
    void notify(const std::string& topic, const nlohmann::json& data) override {
        target_.notify(topic, data);
    }

private:
    Ipc& target_;
    std::set<std::string> methods_;
};

class ScopedXmpp final : public Xmpp {
public:
    explicit ScopedXmpp(Xmpp& xmpp) : target_(xmpp) {}
    ~ScopedXmpp() override;
    ScopedXmpp(const ScopedXmpp&) = delete;
    ScopedXmpp& operator=(const ScopedXmpp&) = delete;

    XmppClient* client(const std::string& profile) override { return target_.client(profile); }
    std::vector<XmppClient*> clients() override { return target_.clients(); }
    std::vector<std::string> profiles() override { return target_.profiles(); }
    XmppHandlerId on_message(MessageHandler handler) override;
    XmppHandlerId on_presence(PresenceHandler handler) override;
    XmppHandlerId on_iq_request(const std::string& payload_namespace,
                                IqRequestHandler handler) override;
    XmppHandlerId on_connection(ConnectionHandler handler) override;
    void remove_handler(XmppHandlerId id) override;
    void add_feature(const std::string& feature) override { target_.add_feature(feature); }

private:
    XmppHandlerId kept(XmppHandlerId id) {
        handlers_.insert(id);
        return id;
    }

    Xmpp& target_;
    std::set<XmppHandlerId> handlers_;
};

}  // namespace roost::core

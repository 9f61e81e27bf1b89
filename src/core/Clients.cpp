// SPDX-License-Identifier: MIT
// Clients: profiles to connections, and fanning their events out to plugins.
#include "src/core/Clients.hpp"

#include "src/core/Secret.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace roost::core {

Clients::Clients(reactor::Reactor& reactor, const std::vector<ProfileConfig>& profiles)
    : context_(reactor), profiles_(profiles) {}

Clients::~Clients() {
    message_handlers_.clear();
    presence_handlers_.clear();
    iq_handlers_.clear();
    connection_handlers_.clear();
    clients_.clear();  // before context_, which they use
}

XmppClient* Clients::client(const std::string& profile) {
    auto found = clients_.find(profile);
    return found == clients_.end() ? nullptr : found->second.get();
}

std::vector<XmppClient*> Clients::clients() {
    std::vector<XmppClient*> all;
    for (auto& [name, client] : clients_) all.push_back(client.get());
    return all;
}

std::vector<std::string> Clients::profiles() {
    std::vector<std::string> names;
    for (const auto& profile : profiles_) names.push_back(profile.name);
    return names;
}

XmppHandlerId Clients::on_message(MessageHandler handler) {
    message_handlers_[next_handler_] = std::move(handler);
    return next_handler_++;
}

XmppHandlerId Clients::on_presence(PresenceHandler handler) {
    presence_handlers_[next_handler_] = std::move(handler);
    return next_handler_++;
}

XmppHandlerId Clients::on_iq_request(const std::string& payload_namespace,
                                     IqRequestHandler handler) {
    for (const auto& [id, route] : iq_handlers_)
        if (route.payload_namespace == payload_namespace)
            throw std::invalid_argument("IQ requests in " + payload_namespace +
                                        " already have a handler");
    iq_handlers_[next_handler_] = {payload_namespace, std::move(handler)};
    return next_handler_++;
}

XmppHandlerId Clients::on_connection(ConnectionHandler handler) {
    connection_handlers_[next_handler_] = std::move(handler);
    return next_handler_++;
}

void Clients::remove_handler(XmppHandlerId id) {
    message_handlers_.erase(id);
    presence_handlers_.erase(id);
    iq_handlers_.erase(id);
    connection_handlers_.erase(id);
}

void Clients::add_feature(const std::string& feature) {
    if (!features_.insert(feature).second) return;
    for (auto& [name, client] : clients_) client->announce();  // new caps ver
}

void Clients::connect(const std::string& name) {
    auto found = clients_.find(name);
    if (found == clients_.end()) {
        const ProfileConfig* profile = nullptr;
        for (const auto& p : profiles_)
            if (p.name == name) profile = &p;
        if (!profile) throw std::invalid_argument("no profile named '" + name + "' in the config");
        found = clients_.emplace(name, nullptr).first;
        found->second = std::make_unique<Client>(
            context_, *profile, resolve_password(*profile).reveal(), features_,
            [this](Client& c, pugi::xml_node stanza) { return dispatch_stanza(c, stanza); },
            [this](Client& c, xmpp::ConnectionState s, const std::string& r) {
                dispatch_state(c, s, r);
            });
    }
    found->second->connection().connect();
}

void Clients::disconnect(const std::string& name) {
    auto found = clients_.find(name);
    if (found == clients_.end()) {
        for (const auto& p : profiles_)
            if (p.name == name) return;  // configured, never connected: nothing to do
        throw std::invalid_argument("no profile named '" + name + "' in the config");
    }
    found->second->connection().disconnect();
}

void Clients::connect_autoconnect_profiles() {
    for (const auto& profile : profiles_) {
        if (!profile.autoconnect) continue;
        try {
            connect(profile.name);
        } catch (const std::exception& e) {
            spdlog::error("profile {}: cannot connect: {}", profile.name, e.what());
        }
    }
}

void Clients::close_all() {
    auto closing = std::move(clients_);
    clients_.clear();
    closing.clear();  // each Connection fails its pending IQs as it goes
}

std::vector<Clients::Status> Clients::status() const {
    std::vector<Status> all;
    for (const auto& profile : profiles_) {
        Status status{profile.name, profile.jid, "disconnected", "", std::nullopt};
        if (auto found = clients_.find(profile.name); found != clients_.end()) {
            const xmpp::Connection& connection = found->second->connection();
            status.state = xmpp::to_string(connection.state());
            status.last_error = connection.last_error();
            if (connection.state() == xmpp::ConnectionState::Connected)
                status.security = connection.security();
        }
        all.push_back(std::move(status));
    }
    return all;
}

bool Clients::dispatch_stanza(Client& client, pugi::xml_node stanza) {
    std::string_view name = stanza.name();
    if (name == "message") {
        dispatch_to(message_handlers_, client, stanza);
        return true;
    }
    if (name == "presence") {
        dispatch_to(presence_handlers_, client, stanza);
        return true;
    }
    if (name != "iq") return false;
    pugi::xml_node payload =
        stanza.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; });
    std::string_view ns = payload.attribute("xmlns").value();
    for (auto& [id, route] : iq_handlers_) {
        if (route.payload_namespace != ns) continue;
        auto handler = route.handler;  // it may remove itself
        try {
            handler(client, stanza);
        } catch (const std::exception& e) {
            spdlog::error("profile {}: an IQ handler for {} failed: {}", client.profile(), ns,
                          e.what());
            client.refuse_iq(stanza, "wait", "internal-server-error");
        }
        return true;
    }
    return false;
}

template <class Handlers>
void Clients::dispatch_to(Handlers& handlers, Client& client, pugi::xml_node stanza) {
    // Copy: a handler may add or remove handlers.
    auto copy = handlers;
    for (auto& [id, handler] : copy) {
        try {
            handler(client, stanza);
        } catch (const std::exception& e) {
            spdlog::error("profile {}: a {} handler failed: {}", client.profile(), stanza.name(),
                          e.what());
        }
    }
}

void Clients::dispatch_state(Client& client, xmpp::ConnectionState state,
                             const std::string& reason) {
    if (state == xmpp::ConnectionState::Connecting) return;
    bool up = state == xmpp::ConnectionState::Connected;
    if (up)
        spdlog::info("profile {}: connected as {}{}", client.profile(),
                     client.connection().bound_jid(),
                     client.resumed() ? " (session resumed: nothing was missed)" : "");
    else
        spdlog::info("profile {}: disconnected: {}", client.profile(), reason);
    auto handlers = connection_handlers_;
    for (auto& [id, handler] : handlers) {
        try {
            handler(client, up);
        } catch (const std::exception& e) {
            spdlog::error("profile {}: a connection handler failed: {}", client.profile(),
                          e.what());
        }
    }
}

}  // namespace roost::core

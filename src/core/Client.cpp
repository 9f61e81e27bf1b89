// SPDX-License-Identifier: MIT
// Client: routing a profile's incoming stanzas, and disco#info answers.
#include "src/core/Client.hpp"

#include "src/xmpp/Caps.hpp"
#include "src/xmpp/Stanza.hpp"

#include <cstring>

namespace roost::core {
namespace {

constexpr const char* kDiscoInfo = "http://jabber.org/protocol/disco#info";
constexpr const char* kRoster = "jabber:iq:roster";
// XEP-0115's "category/type/lang/name" of the one identity we announce.
constexpr const char* kIdentity = "client/pc//Roost";

xmpp::ConnectionSettings settings_for(const ProfileConfig& profile, std::string password) {
    xmpp::ConnectionSettings settings;
    settings.jid = profile.jid;
    settings.password = std::move(password);
    settings.host = profile.host;
    settings.port = profile.port;
    settings.allow_plaintext = profile.allow_plaintext;
    return settings;
}

bool is(const char* value, const char* expected) { return std::strcmp(value, expected) == 0; }

// A stanza's payload; text between elements (a server's indentation) is kept in
// received documents, so first_child() may be whitespace.
pugi::xml_node first_element(pugi::xml_node parent) {
    return parent.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; });
}

}  // namespace

Client::Client(xmpp::XmppContext& context, const ProfileConfig& profile, std::string password,
               const std::set<std::string>& features, MessageSink on_message, StateSink on_state)
    : profile_(profile.name),
      features_(features),
      on_message_(std::move(on_message)),
      connection_(context, settings_for(profile, std::move(password))) {
    connection_.on_state([this, on_state = std::move(on_state)](xmpp::ConnectionState state,
                                                                const std::string& reason) {
        // Presence with caps: the server learns our +notify features and pushes PEP.
        if (state == xmpp::ConnectionState::Connected) announce();
        on_state(*this, state, reason);
    });
    connection_.on_stanza([this](auto stanza) { handle_stanza(std::move(stanza)); });
}

void Client::send_iq(std::string_view type, std::string_view to, std::string_view payload,
                     std::string request, IqCallback callback, std::chrono::milliseconds timeout) {
    connection_.send_iq(type, to, payload, std::move(request), std::move(callback), timeout);
}

void Client::announce() {
    if (connected()) send(xmpp::caps_presence(kIdentity, all_features()));
}

void Client::handle_stanza(std::shared_ptr<const pugi::xml_document> stanza) {
    pugi::xml_node element = stanza->document_element();
    if (is(element.name(), "message")) {
        on_message_(*this, element);
        return;
    }
    if (!is(element.name(), "iq")) return;
    const char* type = element.attribute("type").value();
    if (!is(type, "get") && !is(type, "set")) return;
    pugi::xml_node query = first_element(element);
    const char* ns = query.attribute("xmlns").value();
    if (is(type, "get") && is(query.name(), "query") && is(ns, kDiscoInfo))
        answer_disco_info(element);
    else if (is(type, "set") && is(ns, kRoster) && from_own_account(element))
        answer_empty(element);  // a roster push (RFC 6121 §2.1.6): acknowledged, not kept
    else
        answer_error(element, "cancel", "service-unavailable");  // RFC 6120 §8.2.3
}

void Client::answer_disco_info(pugi::xml_node iq) {
    // XEP-0115 §6.2: the caps node#ver we announced asks the same as no node.
    std::set<std::string> features = all_features();
    std::string node = first_element(iq).attribute("node").value();
    std::string caps_node =
        std::string(xmpp::kCapsNode) + "#" + xmpp::caps_ver(kIdentity, features);
    if (!node.empty() && node != caps_node) {
        answer_error(iq, "cancel", "item-not-found");
        return;
    }
    std::string reply = "<iq type='result' id='" + xmpp::xml_escape(iq.attribute("id").value()) +
                        "' to='" + xmpp::xml_escape(iq.attribute("from").value()) + "'>" +
                        "<query xmlns='" + kDiscoInfo + "'";
    if (!node.empty()) reply += " node='" + xmpp::xml_escape(node) + "'";
    reply += "><identity category='client' type='pc' name='Roost'/>";
    for (const auto& feature : features)
        reply += "<feature var='" + xmpp::xml_escape(feature) + "'/>";
    reply += "</query></iq>";
    send(reply);
}

std::set<std::string> Client::all_features() const {
    std::set<std::string> features = features_;
    features.insert(kDiscoInfo);
    features.insert(xmpp::kCapsNamespace);
    return features;
}

bool Client::from_own_account(pugi::xml_node iq) const {
    std::string from = iq.attribute("from").value();
    return from.empty() || from == bare_jid();
}

void Client::answer_empty(pugi::xml_node iq) {
    send("<iq type='result' id='" + xmpp::xml_escape(iq.attribute("id").value()) + "' to='" +
         xmpp::xml_escape(iq.attribute("from").value()) + "'/>");
}

void Client::answer_error(pugi::xml_node iq, const char* type, const char* condition) {
    send("<iq type='error' id='" + xmpp::xml_escape(iq.attribute("id").value()) + "' to='" +
         xmpp::xml_escape(iq.attribute("from").value()) + "'><error type='" + type + "'><" +
         condition + " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
}

}  // namespace roost::core

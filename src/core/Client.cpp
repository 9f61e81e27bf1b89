// SPDX-License-Identifier: MIT
// Client: routing a profile's incoming stanzas, and disco#info answers.
#include "src/core/Client.hpp"

#include "src/xmpp/Caps.hpp"
#include "src/xmpp/IqAnswers.hpp"
#include "src/xmpp/Stanza.hpp"

#include <cstring>

namespace roost::core {
namespace {

constexpr const char* kDiscoInfo = "http://jabber.org/protocol/disco#info";
// XEP-0115's "category/type/lang/name" of the one identity we announce.
constexpr const char* kIdentity = "client/pc//Roost";

xmpp::ConnectionSettings settings_for(const ProfileConfig& profile, std::string password) {
    xmpp::ConnectionSettings settings;
    settings.jid = profile.jid;
    settings.password = std::move(password);
    settings.host = profile.host;
    settings.port = profile.port;
    settings.allow_plaintext = profile.allow_plaintext;
    settings.direct_tls = profile.direct_tls;
    settings.trust = profile.trust;
    settings.config_table = "[profiles." + profile.name + "]";
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
               const std::set<std::string>& features, StanzaSink on_stanza, StateSink on_state)
    : profile_(profile.name),
      features_(features),
      on_stanza_(std::move(on_stanza)),
      connection_(context, settings_for(profile, std::move(password))) {
    connection_.on_state([this, on_state = std::move(on_state)](xmpp::ConnectionState state,
                                                                const std::string& reason) {
        // Presence with caps: the server learns our +notify features and pushes PEP. A
        // resumed session still has the presence we sent (it is sent again only if the
        // features changed while away: the server would push PEP items again).
        if (state == xmpp::ConnectionState::Connected) {
            if (!connection_.resumed()) announced_.clear();
            announce();
        }
        on_state(*this, state, reason);
    });
    connection_.on_stanza([this](auto stanza) { handle_stanza(std::move(stanza)); });
}

void Client::send_iq(std::string_view type, std::string_view to, std::string_view payload,
                     std::string request, IqCallback callback, std::chrono::milliseconds timeout) {
    connection_.send_iq(type, to, payload, std::move(request), std::move(callback), timeout);
}

void Client::announce() {
    if (!connected()) return;
    std::string presence = xmpp::caps_presence(kIdentity, all_features());
    if (presence == announced_) return;
    send(presence);
    announced_ = std::move(presence);
}

void Client::handle_stanza(std::shared_ptr<const pugi::xml_document> stanza) {
    pugi::xml_node element = stanza->document_element();
    const char* type = element.attribute("type").value();
    bool request = is(element.name(), "iq") && (is(type, "get") || is(type, "set"));
    if (request && is(type, "get")) {
        pugi::xml_node query = first_element(element);
        if (is(query.name(), "query") && is(query.attribute("xmlns").value(), kDiscoInfo)) {
            answer_disco_info(element);
            return;
        }
    }
    bool taken = on_stanza_(*this, element);
    if (request && !taken) refuse_iq(element, "cancel", "service-unavailable");  // RFC 6120 §8.2.3
}

void Client::answer_disco_info(pugi::xml_node iq) {
    // XEP-0115 §6.2: the caps node#ver we announced asks the same as no node.
    std::set<std::string> features = all_features();
    std::string node = first_element(iq).attribute("node").value();
    std::string caps_node =
        std::string(xmpp::kCapsNode) + "#" + xmpp::caps_ver(kIdentity, features);
    if (!node.empty() && node != caps_node) {
        refuse_iq(iq, "cancel", "item-not-found");
        return;
    }
    std::string reply = std::string("<query xmlns='") + kDiscoInfo + "'";
    if (!node.empty()) reply += " node='" + xmpp::xml_escape(node) + "'";
    reply += "><identity category='client' type='pc' name='Roost'/>";
    for (const auto& feature : features)
        reply += "<feature var='" + xmpp::xml_escape(feature) + "'/>";
    reply += "</query>";
    answer_iq(iq, reply);
}

std::set<std::string> Client::all_features() const {
    std::set<std::string> features = features_;
    features.insert(kDiscoInfo);
    features.insert(xmpp::kCapsNamespace);
    return features;
}

void Client::answer_iq(pugi::xml_node request, std::string_view payload) {
    send(xmpp::iq_result(request, payload));
}

void Client::refuse_iq(pugi::xml_node request, std::string_view type, std::string_view condition) {
    send(xmpp::iq_error(request, type, condition));
}

}  // namespace roost::core

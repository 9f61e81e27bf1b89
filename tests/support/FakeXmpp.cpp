// SPDX-License-Identifier: MIT
// FakeXmpp: requests recorded, answers built as a server would send them.
#include "tests/support/FakeXmpp.hpp"

#include "roost/Xml.hpp"
#include "src/xmpp/IqAnswers.hpp"
#include "src/xmpp/IqErrors.hpp"
#include "src/xmpp/Stanza.hpp"

#include <cstring>
#include <stdexcept>

namespace roost::test {
namespace {

pugi::xml_node first_named(pugi::xml_node root, const char* name) {
    return root.find_node([name](pugi::xml_node n) {
        return n.type() == pugi::node_element && std::strcmp(n.name(), name) == 0;
    });
}

}  // namespace

pugi::xml_node SentIq::find(const char* name) const { return first_named(*document, name); }

std::string SentIq::node() const {
    auto element = document->find_node([](pugi::xml_node n) { return bool(n.attribute("node")); });
    return element.attribute("node").value();
}

FakeClient::FakeClient(reactor::Reactor& reactor, std::string profile, std::string bare_jid)
    : profile_(std::move(profile)), bare_jid_(std::move(bare_jid)), tracker_(reactor) {}

void FakeClient::send_iq(std::string_view type, std::string_view to, std::string_view payload,
                         std::string request, IqCallback callback,
                         std::chrono::milliseconds timeout) {
    if (!connected_) {  // as the real client answers
        callback({nullptr, xmpp::local_error(XmppError::Kind::Disconnected, std::move(request),
                                             "not connected")});
        return;
    }
    SentIq iq{tracker_.next_id(),   std::string(type),
              std::string(to),      request,
              std::string(payload), std::make_shared<pugi::xml_document>()};
    if (!load_xml(*iq.document, payload))
        throw std::invalid_argument("a plugin sent a malformed IQ payload: " + iq.payload);
    tracker_.track(iq.id, iq.to, std::move(request), timeout, std::move(callback));
    sent_.push_back(iq.payload);
    waiting_.push_back(std::move(iq));
}

void FakeClient::send(std::string_view xml) {
    if (!connected_) throw std::runtime_error(bare_jid_ + ": not connected");
    pugi::xml_document document;
    if (!load_xml(document, xml))
        throw std::invalid_argument("a plugin sent a malformed stanza: " + std::string(xml));
    sent_.emplace_back(xml);
}

void FakeClient::answer_iq(pugi::xml_node request, std::string_view payload) {
    send(xmpp::iq_result(request, payload));
}

void FakeClient::refuse_iq(pugi::xml_node request, std::string_view type,
                           std::string_view condition) {
    send(xmpp::iq_error(request, type, condition));
}

SentIq FakeClient::next_iq() {
    if (waiting_.empty()) throw std::logic_error(profile_ + " sent no IQ that is not taken yet");
    SentIq iq = std::move(waiting_.front());
    waiting_.pop_front();
    return iq;
}

SentIq FakeClient::next_iq(const char* name) {
    for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
        if (!it->find(name)) continue;
        SentIq iq = std::move(*it);
        waiting_.erase(it);
        return iq;
    }
    throw std::logic_error(profile_ + " sent no IQ with <" + name + "/> that is not taken yet");
}

void FakeClient::answer(const SentIq& iq, std::string_view children) {
    std::string xml = "<iq type='result' id='" + iq.id + "'";
    if (!iq.to.empty()) xml += " from='" + xmpp::xml_escape(iq.to) + "'";
    resolve(xml + ">" + std::string(children) + "</iq>");
}

void FakeClient::answer_error(const SentIq& iq, std::string_view condition, std::string_view type) {
    std::string xml = "<iq type='error' id='" + iq.id + "'";
    if (!iq.to.empty()) xml += " from='" + xmpp::xml_escape(iq.to) + "'";
    resolve(xml + "><error type='" + xmpp::xml_escape(type) + "'><" + std::string(condition) +
            " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
}

void FakeClient::resolve(std::string xml) {
    auto document = std::make_shared<pugi::xml_document>();
    if (!load_xml(*document, xml)) throw std::invalid_argument("malformed answer: " + xml);
    if (!tracker_.resolve(std::move(document), bare_jid_))
        throw std::logic_error("the answer matches no waiting request: " + xml);
}

FakeClient& FakeXmpp::connect(const std::string& profile, const std::string& bare_jid) {
    auto& client = clients_[profile];
    if (!client) client = std::make_unique<FakeClient>(reactor_, profile, bare_jid);
    client->waiting_.clear();
    client->tracker_.fail_all(xmpp::IqTracker::kSessionNotResumed);
    client->connected_ = true;
    client->resumed_ = false;
    tell_handlers(*client, true);
    return *client;
}

FakeClient& FakeXmpp::resume(const std::string& profile) {
    FakeClient& client = account(profile);
    client.connected_ = true;
    client.resumed_ = true;
    tell_handlers(client, true);
    return client;
}

void FakeXmpp::disconnect(const std::string& profile, const std::string& reason) {
    FakeClient& client = account(profile);
    client.connected_ = false;
    client.waiting_.clear();
    client.tracker_.fail_all(reason);
    tell_handlers(client, false);
}

void FakeXmpp::drop(const std::string& profile) {
    FakeClient& client = account(profile);
    client.connected_ = false;
    tell_handlers(client, false);
}

void FakeXmpp::close_all() {
    for (auto& [profile, client] : clients_)
        if (client->connected_) disconnect(profile, "closing");
}

void FakeXmpp::inject(const std::string& profile, std::string_view stanza_xml) {
    FakeClient& client = account(profile);
    pugi::xml_document document;
    if (!load_xml(document, stanza_xml))
        throw std::invalid_argument("malformed stanza: " + std::string(stanza_xml));
    pugi::xml_node stanza = document.document_element();
    std::string_view name = stanza.name();
    // Copies: a handler may add or remove handlers.
    if (name == "message") {
        auto handlers = on_message_;
        for (auto& [id, handler] : handlers) handler(client, stanza);
    } else if (name == "presence") {
        auto handlers = on_presence_;
        for (auto& [id, handler] : handlers) handler(client, stanza);
    } else if (name == "iq") {
        pugi::xml_node payload =
            stanza.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; });
        std::string_view ns = payload.attribute("xmlns").value();
        for (auto& [id, route] : on_iq_) {
            if (route.first != ns) continue;
            auto handler = route.second;
            handler(client, stanza);
            return;
        }
        client.refuse_iq(stanza, "cancel", "service-unavailable");
    } else {
        throw std::invalid_argument("not a stanza: " + std::string(stanza_xml));
    }
}

FakeClient& FakeXmpp::account(const std::string& profile) {
    auto found = clients_.find(profile);
    if (found == clients_.end()) throw std::logic_error("no account for profile " + profile);
    return *found->second;
}

XmppClient* FakeXmpp::client(const std::string& profile) {
    auto found = clients_.find(profile);
    return found == clients_.end() ? nullptr : found->second.get();
}

std::vector<XmppClient*> FakeXmpp::clients() {
    std::vector<XmppClient*> all;
    for (auto& [name, client] : clients_) all.push_back(client.get());
    return all;
}

std::vector<std::string> FakeXmpp::profiles() {
    std::vector<std::string> names;
    for (auto& [name, client] : clients_) names.push_back(name);
    return names;
}

XmppHandlerId FakeXmpp::on_message(MessageHandler handler) {
    on_message_.emplace(next_id_, std::move(handler));
    return next_id_++;
}

XmppHandlerId FakeXmpp::on_presence(PresenceHandler handler) {
    on_presence_.emplace(next_id_, std::move(handler));
    return next_id_++;
}

XmppHandlerId FakeXmpp::on_iq_request(const std::string& payload_namespace,
                                      IqRequestHandler handler) {
    for (const auto& [id, route] : on_iq_)
        if (route.first == payload_namespace)
            throw std::invalid_argument("IQ requests in " + payload_namespace +
                                        " already have a handler");
    on_iq_.emplace(next_id_, std::pair{payload_namespace, std::move(handler)});
    return next_id_++;
}

XmppHandlerId FakeXmpp::on_connection(ConnectionHandler handler) {
    on_connection_.emplace(next_id_, std::move(handler));
    return next_id_++;
}

void FakeXmpp::remove_handler(XmppHandlerId id) {
    on_message_.erase(id);
    on_presence_.erase(id);
    on_iq_.erase(id);
    on_connection_.erase(id);
}

void FakeXmpp::tell_handlers(FakeClient& client, bool connected) {
    auto handlers = on_connection_;
    for (auto& [id, handler] : handlers) handler(client, connected);
}

}  // namespace roost::test

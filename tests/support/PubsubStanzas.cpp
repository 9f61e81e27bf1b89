// SPDX-License-Identifier: MIT
// PubsubStanzas: XEP-0060 and XEP-0059 markup as Prosody and ejabberd write it.
#include "tests/support/PubsubStanzas.hpp"

#include "src/xmpp/Stanza.hpp"

namespace roost::test::stanza {
namespace {

using xmpp::xml_escape;

std::string event(const std::string& service, const std::string& to, const std::string& body) {
    return "<message from='" + xml_escape(service) + "' to='" + xml_escape(to) +
           "'><event xmlns='http://jabber.org/protocol/pubsub#event'>" + body +
           "</event></message>";
}

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& part : parts) out += part;
    return out;
}

}  // namespace

std::string item(const std::string& id, const std::string& text) {
    return "<item id='" + xml_escape(id) + "'><note xmlns='urn:example:notes'>" + xml_escape(text) +
           "</note></item>";
}

std::vector<std::string> ids_numbered(const std::string& prefix, int first, int last) {
    std::vector<std::string> ids;
    for (int n = first; n <= last; ++n) ids.push_back(prefix + "-" + std::to_string(n));
    return ids;
}

std::vector<std::string> items_numbered(const std::string& prefix, int first, int last) {
    std::vector<std::string> out;
    for (const auto& id : ids_numbered(prefix, first, last)) out.push_back(item(id));
    return out;
}

std::string items(const std::string& node, const std::vector<std::string>& items,
                  const std::optional<Rsm>& rsm) {
    std::string out = "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='" +
                      xml_escape(node) + "'>" + joined(items) + "</items>";
    if (rsm) {
        out += "<set xmlns='http://jabber.org/protocol/rsm'><first";
        if (rsm->first_index) out += " index='" + std::to_string(*rsm->first_index) + "'";
        out += ">" + xml_escape(rsm->first) + "</first><last>" + xml_escape(rsm->last) + "</last>";
        if (rsm->count) out += "<count>" + std::to_string(*rsm->count) + "</count>";
        out += "</set>";
    }
    return out + "</pubsub>";
}

std::string disco_info(const std::vector<std::string>& features) {
    std::string out = "<query xmlns='http://jabber.org/protocol/disco#info'>"
                      "<identity category='pubsub' type='service'/>";
    for (const auto& feature : features) out += "<feature var='" + xml_escape(feature) + "'/>";
    return out + "</query>";
}

std::string items_event(const std::string& service, const std::string& to, const std::string& node,
                        const std::vector<std::string>& items) {
    return event(service, to,
                 "<items node='" + xml_escape(node) + "'>" + joined(items) + "</items>");
}

std::string retract_event(const std::string& service, const std::string& to,
                          const std::string& node, const std::vector<std::string>& ids) {
    std::string retracts;
    for (const auto& id : ids) retracts += "<retract id='" + xml_escape(id) + "'/>";
    return event(service, to, "<items node='" + xml_escape(node) + "'>" + retracts + "</items>");
}

std::string purge_event(const std::string& service, const std::string& to,
                        const std::string& node) {
    return event(service, to, "<purge node='" + xml_escape(node) + "'/>");
}

std::string delete_event(const std::string& service, const std::string& to,
                         const std::string& node) {
    return event(service, to, "<delete node='" + xml_escape(node) + "'/>");
}

}  // namespace roost::test::stanza

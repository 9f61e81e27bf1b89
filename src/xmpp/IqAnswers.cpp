// SPDX-License-Identifier: MIT
#include "src/xmpp/IqAnswers.hpp"

#include "src/xmpp/Stanza.hpp"

namespace roost::xmpp {
namespace {

// " id='..' to='..'": no `to` for a request from our own server, which names no sender.
std::string addressed_back(pugi::xml_node request) {
    std::string out = " id='" + xml_escape(request.attribute("id").value()) + "'";
    if (pugi::xml_attribute from = request.attribute("from"); !from.empty())
        out += " to='" + xml_escape(from.value()) + "'";
    return out;
}

}  // namespace

std::string iq_result(pugi::xml_node request, std::string_view payload) {
    std::string out = "<iq type='result'" + addressed_back(request);
    if (payload.empty()) return out + "/>";
    return out + ">" + std::string(payload) + "</iq>";
}

std::string iq_error(pugi::xml_node request, std::string_view type, std::string_view condition) {
    return "<iq type='error'" + addressed_back(request) + "><error type='" + xml_escape(type) +
           "'><" + std::string(condition) +
           " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
}

}  // namespace roost::xmpp

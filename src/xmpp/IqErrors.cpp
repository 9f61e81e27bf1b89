// SPDX-License-Identifier: MIT
// Reading RFC 6120 stanza errors into the SDK's XmppError.
#include "src/xmpp/IqErrors.hpp"

#include <cstring>

namespace roost::xmpp {
namespace {
constexpr const char* kStanzasNs = "urn:ietf:params:xml:ns:xmpp-stanzas";
}

XmppError local_error(XmppError::Kind kind, std::string request, std::string text) {
    XmppError error;
    error.kind = kind;
    error.text = std::move(text);
    error.request = std::move(request);
    return error;
}

XmppError error_from_iq(pugi::xml_node iq, std::string request) {
    XmppError error;
    error.request = std::move(request);
    pugi::xml_node node = iq.child("error");
    error.type = node.attribute("type").value();
    for (pugi::xml_node child : node.children()) {
        if (std::strcmp(child.attribute("xmlns").value(), kStanzasNs) != 0) continue;
        if (std::strcmp(child.name(), "text") == 0)
            error.text = child.text().get();
        else if (error.condition.empty())
            error.condition = child.name();
    }
    if (error.condition.empty()) error.condition = "undefined-condition";
    return error;
}

}  // namespace roost::xmpp

// SPDX-License-Identifier: MIT
// Making the SDK's XmppError: from a server's <iq type="error"/>, or for failures
// of our own (timeout, lost connection).
#pragma once

#include "roost/Xmpp.hpp"

#include <string>

namespace roost::xmpp {

XmppError local_error(XmppError::Kind kind, std::string request, std::string text = {});
// Reads the <error/> child of an IQ of type "error" (RFC 6120 §8.3).
XmppError error_from_iq(pugi::xml_node iq, std::string request);

}  // namespace roost::xmpp

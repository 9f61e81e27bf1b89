// SPDX-License-Identifier: MIT
// IqAnswers: the answer to an IQ request someone sent us (RFC 6120 §8.2.3): a result, or
// a stanza error, addressed back to the sender under the request's id.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace roost::xmpp {

// <iq type='result'/> carrying `payload` (no child when empty).
std::string iq_result(pugi::xml_node request, std::string_view payload = {});
// <iq type='error'/> with an <error type=`type`/> of `condition` (urn:ietf:params:xml:ns:xmpp-stanzas).
std::string iq_error(pugi::xml_node request, std::string_view type, std::string_view condition);

}  // namespace roost::xmpp

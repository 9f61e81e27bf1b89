// Stanza: RAII over xmpp_stanza_t, and pugixml conversions.
#include "src/xmpp/Stanza.hpp"

#include <strophe.h>

namespace roost::xmpp {

void Stanza::Release::operator()(xmpp_stanza_t* stanza) const { xmpp_stanza_release(stanza); }

Stanza Stanza::parse(xmpp_ctx_t* ctx, std::string_view xml) {
    std::string text(xml);  // libstrophe wants a NUL-terminated string
    xmpp_stanza_t* stanza = xmpp_stanza_new_from_string(ctx, text.c_str());
    if (!stanza) throw StanzaError("not a well-formed XML element: " + text.substr(0, 80));
    return Stanza(stanza);
}

Stanza Stanza::borrow(xmpp_stanza_t* stanza) { return Stanza(xmpp_stanza_clone(stanza)); }

std::string Stanza::to_xml() const {
    char* buffer = nullptr;
    size_t length = 0;
    if (xmpp_stanza_to_text(stanza_.get(), &buffer, &length) != XMPP_EOK)
        throw StanzaError("cannot serialise a stanza");
    std::string text(buffer, length);
    xmpp_free(xmpp_stanza_get_context(stanza_.get()), buffer);
    return text;
}

std::shared_ptr<const pugi::xml_document> parse_xml(std::string_view xml) {
    auto document = std::make_shared<pugi::xml_document>();
    auto result = document->load_buffer(xml.data(), xml.size(),
                                        pugi::parse_default | pugi::parse_ws_pcdata_single,
                                        pugi::encoding_utf8);
    if (!result) throw StanzaError(std::string("malformed XML: ") + result.description());
    return document;
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace roost::xmpp

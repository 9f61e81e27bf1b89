// SPDX-License-Identifier: MIT
// Stanza: RAII over xmpp_stanza_t, and its conversion to pugixml without going
// through text (libstrophe's serialiser leaves newlines raw in attribute values).
#include "src/xmpp/Stanza.hpp"

#include "roost/Xml.hpp"

#include <strophe.h>

#include <array>
#include <cstring>
#include <string_view>
#include <vector>

namespace roost::xmpp {
namespace {

constexpr std::string_view kClientNs = "jabber:client";

// Copies `from`'s attributes, all but an xmlns its parent's namespace makes
// redundant (libstrophe gives every element of a namespace its xmlns).
void copy_attributes(xmpp_stanza_t* from, pugi::xml_node to, std::string_view parent_ns) {
    int count = xmpp_stanza_get_attribute_count(from);
    std::vector<const char*> pairs(static_cast<std::size_t>(count) * 2);
    int filled = xmpp_stanza_get_attributes(from, pairs.data(), count * 2);
    for (int i = 0; i + 1 < filled; i += 2) {
        if (std::strcmp(pairs[i], "xmlns") == 0 && parent_ns == pairs[i + 1]) continue;
        to.append_attribute(pairs[i]).set_value(pairs[i + 1]);
    }
}

void copy_element(xmpp_stanza_t* from, pugi::xml_node to, std::string_view parent_ns) {
    copy_attributes(from, to, parent_ns);
    const char* own_ns = xmpp_stanza_get_ns(from);
    std::string_view ns = own_ns ? own_ns : parent_ns;
    for (xmpp_stanza_t* child = xmpp_stanza_get_children(from); child;
         child = xmpp_stanza_get_next(child)) {
        if (xmpp_stanza_is_text(child)) {
            to.append_child(pugi::node_pcdata).set_value(xmpp_stanza_get_text_ptr(child));
            continue;
        }
        copy_element(child, to.append_child(xmpp_stanza_get_name(child)), ns);
    }
}

}  // namespace

void Stanza::Release::operator()(xmpp_stanza_t* stanza) const { xmpp_stanza_release(stanza); }

Stanza Stanza::parse(xmpp_ctx_t* ctx, std::string_view xml) {
    std::string text(xml);  // libstrophe wants a NUL-terminated string
    xmpp_stanza_t* stanza = xmpp_stanza_new_from_string(ctx, text.c_str());
    if (!stanza) throw StanzaError("not a well-formed XML element: " + text.substr(0, 80));
    return Stanza(stanza);
}

Stanza Stanza::borrow(xmpp_stanza_t* stanza) { return Stanza(xmpp_stanza_clone(stanza)); }

std::shared_ptr<const pugi::xml_document> Stanza::to_document() const {
    auto document = std::make_shared<pugi::xml_document>();
    xmpp_stanza_t* root = stanza_.get();
    if (!xmpp_stanza_get_name(root)) throw StanzaError("a stanza without a name");
    // The stream's namespace is implied: a stanza parsed from text has none (xmlns='').
    const char* root_ns = xmpp_stanza_get_ns(root);
    std::string_view implied = root_ns && *root_ns ? kClientNs : "";
    copy_element(root, document->append_child(xmpp_stanza_get_name(root)), implied);
    return document;
}

std::string Stanza::to_xml() const { return roost::to_xml(to_document()->document_element()); }

std::shared_ptr<const pugi::xml_document> parse_xml(std::string_view xml) {
    auto document = std::make_shared<pugi::xml_document>();
    auto result = load_xml(*document, xml);
    if (!result) throw StanzaError(std::string("malformed XML: ") + result.description());
    return document;
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace roost::xmpp

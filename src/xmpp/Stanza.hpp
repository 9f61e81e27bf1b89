// SPDX-License-Identifier: MIT
// Stanza: the one owner of libstrophe's xmpp_stanza_t, and the conversions
// between it and the XML text / pugixml documents the rest of Roost works with.
#pragma once

#include <pugixml.hpp>

#include <memory>
#include <string>
#include <string_view>

struct _xmpp_ctx_t;
struct _xmpp_stanza_t;

namespace roost::xmpp {

class StanzaError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Stanza {
public:
    // Parses one element; throws StanzaError for text that is not well-formed.
    static Stanza parse(_xmpp_ctx_t* ctx, std::string_view xml);
    // Takes a new reference on a stanza libstrophe handed to a callback.
    static Stanza borrow(_xmpp_stanza_t* stanza);

    _xmpp_stanza_t* get() const { return stanza_.get(); }
    // The stanza as a document: every element, attribute (namespaced ones by their
    // qualified name, with the declaration of their prefix) and text node as parsed.
    std::shared_ptr<const pugi::xml_document> to_document() const;
    // The same as text, for the wire: roost::to_xml of to_document().
    std::string to_xml() const;

private:
    struct Release {
        void operator()(_xmpp_stanza_t* stanza) const;
    };
    explicit Stanza(_xmpp_stanza_t* stanza) : stanza_(stanza) {}
    std::unique_ptr<_xmpp_stanza_t, Release> stanza_;
};

// Parses XML text as roost::load_xml does; throws StanzaError naming pugixml's
// reason for bad input.
std::shared_ptr<const pugi::xml_document> parse_xml(std::string_view xml);

// Escapes text for use inside an XML attribute value or element.
std::string xml_escape(std::string_view text);

}  // namespace roost::xmpp

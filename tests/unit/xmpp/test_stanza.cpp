// SPDX-License-Identifier: MIT
// Stanza: what libstrophe parses reaches Roost whole (with the mend of
// src/xmpp/NamespacedAttributes for namespaced attributes), as a document and as the
// text Roost sends; equality is canonical (tests/support/CanonicalXml, read with expat).
#include "roost/Xml.hpp"
#include "src/reactor/Reactor.hpp"
#include "src/xmpp/Stanza.hpp"
#include "src/xmpp/XmppContext.hpp"
#include "tests/support/CanonicalXml.hpp"
#include "tests/support/ThirdPartyPost.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace roost;
using roost::test::canonical_payloads;
using roost::test::canonical_xml;

namespace {

using roost::test::kThirdPartyPost;

struct Context {
    reactor::Reactor reactor;
    xmpp::XmppContext xmpp{reactor};

    xmpp::Stanza parse(const std::string& xml) { return xmpp::Stanza::parse(xmpp.get(), xml); }
};

std::string wrapped(const std::string& payload) {
    return "<iq type='result' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
           "<items node='n'><item id='p1'>" +
           payload + "</item></items></pubsub></iq>";
}

}  // namespace

TEST_CASE("a parsed stanza keeps namespaced attributes, whitespace, entities and characters") {
    Context context;
    auto document = context.parse(kThirdPartyPost).to_document();
    pugi::xml_node entry = document->document_element();
    CHECK(std::string(entry.attribute("xml:lang").value()) == "en");
    CHECK(std::string(entry.child("link").attribute("thr:count").value()) == "3");
    CHECK(canonical_xml(to_xml(entry)) == canonical_xml(kThirdPartyPost));
}

TEST_CASE("an item taken out of an answer is the payload the server sent") {
    Context context;
    auto document = context.parse(wrapped(kThirdPartyPost)).to_document();
    pugi::xml_node item = document->document_element().child("pubsub").child("items").child("item");
    auto stored = canonical_payloads(to_xml(item));
    CHECK(stored.at("p1") == canonical_payloads(wrapped(kThirdPartyPost)).at("p1"));
    CHECK(stored.at("p1").find("strong> <") != std::string::npos);  // the space between
}

TEST_CASE("the text sent for a stanza is the stanza, in the stream's namespace") {
    Context context;
    std::string sent = context.parse(wrapped(kThirdPartyPost)).to_xml();
    CHECK(canonical_payloads(sent).at("p1") ==
          canonical_payloads(wrapped(kThirdPartyPost)).at("p1"));
    CHECK(sent.find("line&#10;two") != std::string::npos);  // not a raw newline: kept
    CHECK(sent.find("&#13;") != std::string::npos);
    std::string simple =
        context.parse("<iq type='get' id='2'><ping xmlns='urn:xmpp:ping'/></iq>").to_xml();
    CHECK(simple.find("<iq ") == 0);
    CHECK(simple.find("xmlns=\"\"") == std::string::npos);
}

TEST_CASE("prefixed elements and elements in no namespace keep their namespaces") {
    Context context;
    const std::string xml =
        "<x:a xmlns:x='urn:x' xmlns='urn:d'><x:b x:c='1'/><d/><e xmlns=''><f/></e></x:a>";
    CHECK(canonical_xml(context.parse(xml).to_xml()) == canonical_xml(xml));
}

TEST_CASE("text that is not one well-formed element is refused") {
    Context context;
    CHECK_THROWS_AS(context.parse("<a><b></a>"), xmpp::StanzaError);
    CHECK_THROWS_AS(context.parse("<a p:b='1'/>"), xmpp::StanzaError);  // undeclared prefix
}

TEST_CASE("load_xml and to_xml keep whitespace-only text and a carriage return") {
    pugi::xml_document document;
    REQUIRE(load_xml(document, "<p><b>bold</b> <i>italic</i>&#13;</p>"));
    CHECK(to_xml(document.document_element()) == "<p><b>bold</b> <i>italic</i>&#13;</p>");
}

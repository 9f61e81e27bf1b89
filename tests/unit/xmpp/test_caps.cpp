// SPDX-License-Identifier: MIT
// XEP-0115 entity capabilities: the verification string against the XEP's own worked
// example, and the presence that carries ours.
#include "src/xmpp/Caps.hpp"
#include "src/xmpp/Stanza.hpp"

#include <doctest/doctest.h>

using namespace roost;

TEST_CASE("caps_ver gives the published ver of XEP-0115's simple example (section 5.2)") {
    // S = "client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<...disco#info<...disco#items<
    //      http://jabber.org/protocol/muc<"
    std::set<std::string> features = {
        "http://jabber.org/protocol/muc", "http://jabber.org/protocol/disco#info",
        "http://jabber.org/protocol/caps", "http://jabber.org/protocol/disco#items"};
    CHECK(xmpp::caps_ver("client/pc//Exodus 0.9.1", features) == "QgayPKawpkPSDYmwT/WM94uAlu0=");
}

TEST_CASE("caps_ver changes when a feature is added") {
    std::set<std::string> features = {"http://jabber.org/protocol/disco#info"};
    std::string before = xmpp::caps_ver("client/pc//Roost", features);
    features.insert("urn:xmpp:microblog:0+notify");
    CHECK(xmpp::caps_ver("client/pc//Roost", features) != before);
}

TEST_CASE("caps_presence carries node, hash and ver in the caps namespace") {
    std::set<std::string> features = {"http://jabber.org/protocol/disco#info"};
    auto presence = xmpp::parse_xml(xmpp::caps_presence("client/pc//Roost", features));
    pugi::xml_node c = presence->document_element().child("c");
    CHECK(std::string(presence->document_element().name()) == "presence");
    CHECK(std::string(c.attribute("xmlns").value()) == "http://jabber.org/protocol/caps");
    CHECK(std::string(c.attribute("hash").value()) == "sha-1");
    CHECK(std::string(c.attribute("node").value()) == xmpp::kCapsNode);
    CHECK(std::string(c.attribute("ver").value()) == xmpp::caps_ver("client/pc//Roost", features));
}

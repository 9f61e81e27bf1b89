// SPDX-License-Identifier: MIT
// Fuzzes pubsub event handling from the raw bytes of a stanza, read the way the
// daemon reads one (src/xmpp/Connection.cpp: libstrophe's parser, then pugixml), up to
// the event the xep_0060 plugin dispatches (plugins/xep_0060/PubsubPlugin.cpp).
#include "plugins/xep_0060/Events.hpp"
#include "src/reactor/Reactor.hpp"
#include "src/xmpp/Stanza.hpp"
#include "src/xmpp/XmppContext.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

#include <pugixml.hpp>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

using roost::fuzz::check;

namespace {

// What the daemon's reactor thread owns: one libstrophe context for every stanza.
struct Xmpp {
    roost::reactor::Reactor reactor;
    roost::xmpp::XmppContext context{reactor};
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);  // libstrophe warns about every bad stanza
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Xmpp xmpp;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::shared_ptr<const pugi::xml_document> received;
    try {
        // As roostd receives it: libstrophe's tree (mended), straight to a document.
        received = roost::xmpp::Stanza::parse(xmpp.context.get(), bytes).to_document();
    } catch (const roost::xmpp::StanzaError&) {
        return 0;  // the daemon drops what it cannot read
    }
    pugi::xml_node message = received->document_element();
    if (std::strcmp(message.name(), "message") != 0) return 0;
    if (std::string_view(message.attribute("type").value()) == "error") return 0;

    auto event = roost::xep0060::parse_event(message);
    if (!event) return 0;
    check(!event->node.empty(), "an event without a node");
    check(event->service == message.attribute("from").value(), "the event's service is not 'from'");
    // The cache stores each item's XML and loads it again to parse it.
    for (const auto& item : event->items) {
        pugi::xml_document reloaded;
        check(reloaded.load_string(item.xml.c_str()), "an item's XML does not load again");
        check(std::strcmp(reloaded.document_element().name(), "item") == 0,
              "an item's XML is not an <item/>");
    }
    return 0;
}

// SPDX-License-Identifier: MIT
// The xep_0060 plugin's protocol code without a server: requests it builds, answers
// and events it reads (items with raw XML, RSM sets, forms, escaping).
#include "plugins/xep_0060/Events.hpp"
#include "plugins/xep_0060/Requests.hpp"
#include "plugins/xep_0060/Responses.hpp"

#include <doctest/doctest.h>

using namespace roost;
using namespace roost::xep0060;

namespace {

pugi::xml_document parse(const std::string& xml) {
    pugi::xml_document document;
    REQUIRE(document.load_string(xml.c_str()));
    return document;
}

}  // namespace

TEST_CASE("an items request escapes the node and carries ids, max_items or an RSM set") {
    pubsub::GetItemsRequest request;
    request.node = "a'b<c>&\"";
    CHECK(items_request(request, std::nullopt) ==
          "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
          "<items node='a&apos;b&lt;c&gt;&amp;&quot;'></items></pubsub>");

    request.node = "n";
    request.max_items = 5;
    pubsub::RsmRequest rsm;
    rsm.max = 10;
    rsm.after = "x&y";
    rsm.before = "";
    rsm.index = 3;
    CHECK(items_request(request, rsm) ==
          "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='n' max_items='5'></items>"
          "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><after>x&amp;y</after>"
          "<before/><index>3</index></set></pubsub>");

    request.item_ids = {"i1", "i'2"};  // ids exclude max_items and RSM
    CHECK(items_request(request, rsm) ==
          "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='n'>"
          "<item id='i1'/><item id='i&apos;2'/></items></pubsub>");
}

TEST_CASE("publish, retract and owner requests are well-formed and use the right namespaces") {
    auto publish = parse(
        publish_request("n", "id1", "<entry xmlns='urn:x'/>", {{"pubsub#access_model", {"open"}}}));
    auto root = publish.document_element();
    CHECK(std::string(root.child("publish").child("item").attribute("id").value()) == "id1");
    CHECK(root.child("publish").child("item").child("entry"));
    auto form = root.child("publish-options").child("x");
    CHECK(std::string(form.attribute("type").value()) == "submit");
    CHECK(parse_form(form) == Fields{{"pubsub#access_model", {"open"}}});

    auto retract = parse(retract_request("n", {"a", "b"}));
    CHECK(std::string(retract.document_element().child("retract").attribute("notify").value()) ==
          "true");
    CHECK(std::string(parse(purge_request("n")).document_element().attribute("xmlns").value()) ==
          kOwnerNs);
    CHECK(std::string(parse(delete_request("n")).document_element().attribute("xmlns").value()) ==
          kOwnerNs);
    CHECK(publish_request("n", "", "<p/>", {}).find("<item>") != std::string::npos);
}

TEST_CASE("an items answer gives each item's raw XML, id, publisher and the RSM set") {
    auto answer = parse(
        "<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='n'>"
        "<item id='1' publisher='alice@localhost'><entry xmlns='urn:x'>a &amp; b</entry></item>"
        "<item id='2'><entry xmlns='urn:x'/></item></items>"
        "<set xmlns='http://jabber.org/protocol/rsm'><first index='10'>1</first><last>2</last>"
        "<count>42</count></set></pubsub></iq>");
    auto page = parse_items(answer.document_element());
    REQUIRE(page.items.size() == 2);
    CHECK(page.items[0].id == "1");
    CHECK(page.items[0].publisher == "alice@localhost");
    CHECK(page.items[0].xml == "<item id=\"1\" publisher=\"alice@localhost\"><entry "
                               "xmlns=\"urn:x\">a &amp; b</entry></item>");
    CHECK(page.items[1].publisher.empty());
    REQUIRE(page.rsm);
    CHECK(page.rsm->first == "1");
    CHECK(page.rsm->first_index == 10);
    CHECK(page.rsm->last == "2");
    CHECK(page.rsm->count == 42);

    auto without_set = parse("<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                             "<items node='n'/></pubsub></iq>");
    CHECK_FALSE(parse_items(without_set.document_element()).rsm);
    CHECK_THROWS_AS(parse_items(parse("<iq type='result'/>").document_element()), MalformedAnswer);
}

TEST_CASE("events: published and retracted items, purge, delete, configuration") {
    auto items =
        parse("<message from='pubsub.localhost'><event "
              "xmlns='http://jabber.org/protocol/pubsub#event'><items node='n'>"
              "<item id='a'><p xmlns='urn:x'/></item><retract id='b'/></items></event></message>");
    auto event = parse_event(items.document_element());
    REQUIRE(event);
    CHECK(event->kind == Event::Kind::Items);
    CHECK(event->service == "pubsub.localhost");
    CHECK(event->node == "n");
    REQUIRE(event->items.size() == 1);
    CHECK(event->items[0].id == "a");
    CHECK(event->retracted == std::vector<std::string>{"b"});

    for (auto [name, kind] : {std::pair{"purge", Event::Kind::Purge},
                              {"delete", Event::Kind::Delete},
                              {"configuration", Event::Kind::Configuration}}) {
        auto message = parse(std::string("<message from='s'><event "
                                         "xmlns='http://jabber.org/protocol/pubsub#event'><") +
                             name + " node='n'/></event></message>");
        auto parsed = parse_event(message.document_element());
        REQUIRE(parsed);
        CHECK(parsed->kind == kind);
    }
    CHECK_FALSE(parse_event(parse("<message><body>hi</body></message>").document_element()));
    CHECK_FALSE(parse_event(parse("<message><event xmlns='urn:other'><purge node='n'/></event>"
                                  "</message>")
                                .document_element()));
}

TEST_CASE("disco#info features and subscriptions are read from answers") {
    auto info = parse("<iq type='result'><query xmlns='http://jabber.org/protocol/disco#info'>"
                      "<feature var='http://jabber.org/protocol/pubsub#rsm'/></query></iq>");
    CHECK(has_feature(info.document_element(), kRsmFeature));
    CHECK_FALSE(has_feature(info.document_element(), "urn:other"));

    auto subscriptions =
        parse("<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscriptions>"
              "<subscription node='n' jid='bob@localhost' subid='s1' subscription='subscribed'/>"
              "</subscriptions></pubsub></iq>");
    auto all = parse_subscriptions(subscriptions.document_element());
    REQUIRE(all.size() == 1);
    CHECK(all[0].node == "n");
    CHECK(all[0].subid == "s1");
    CHECK(all[0].state == "subscribed");
}

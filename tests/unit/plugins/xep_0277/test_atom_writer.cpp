// SPDX-License-Identifier: MIT
// The Atom writer: the entries blog.post publishes, checked against XEP-0277's example
// and read back by the parser.
#include "plugins/xep_0277/AtomParser.hpp"
#include "plugins/xep_0277/AtomWriter.hpp"
#include "plugins/xep_0277/XmppUri.hpp"
#include "tests/support/CanonicalXml.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <chrono>
#include <string>

using namespace roost::xep0277;
using roost::test::canonical_xml;

namespace {

AtomEntry romeo_post() {
    AtomEntry entry;
    entry.atom_id = tag_uri("romeo@montague.lit", "2008-05-08T18:30:02Z", "1cb57d9c");
    entry.title = "hanging out at the Café Napolitano";
    entry.content = "Wherefore art thou? <not markup> & more";
    entry.tags = {"verona", "café"};
    entry.language = "en";
    entry.published = "2008-05-08T18:30:02Z";
    entry.updated = "2008-05-08T18:30:02Z";
    entry.author_name = "romeo";
    entry.author_jid = "romeo@montague.lit";
    entry.alternate_uri = pubsub_uri("romeo@montague.lit", kMicroblogNode, "1cb57d9c");
    entry.comments_uri = pubsub_uri("romeo@montague.lit", comments_node_of("1cb57d9c"));
    return entry;
}

}  // namespace

TEST_CASE("atom writer writes XEP-0277's entry: id, title, content, dates, author, categories, "
          "language and the comments link") {
    std::string expected =
        "<entry xmlns='http://www.w3.org/2005/Atom' xml:lang='en'>"
        "<title type='text'>hanging out at the Café Napolitano</title>"
        "<id>tag:montague.lit,2008-05-08:posts-1cb57d9c</id>"
        "<published>2008-05-08T18:30:02Z</published><updated>2008-05-08T18:30:02Z</updated>"
        "<author><name>romeo</name><uri>xmpp:romeo@montague.lit</uri></author>"
        "<content type='text'>Wherefore art thou? &lt;not markup&gt; &amp; more</content>"
        "<category term='verona'/><category term='café'/>"
        "<link rel='alternate' href='xmpp:romeo@montague.lit?;node=urn%3Axmpp%3Amicroblog%3A0;"
        "item=1cb57d9c'/>"
        "<link rel='replies' title='comments' href='xmpp:romeo@montague.lit?;node=urn%3Axmpp%"
        "3Amicroblog%3A0%3Acomments%2F1cb57d9c'/></entry>";
    CHECK(canonical_xml(atom_entry(romeo_post())) == canonical_xml(expected));
}

TEST_CASE("atom writer adds an xhtml content beside the text one, and no xml:lang without a "
          "language") {
    AtomEntry entry = romeo_post();
    entry.language.clear();
    entry.content_xhtml =
        "<div xmlns='http://www.w3.org/1999/xhtml'><p>Where<em>fore</em></p></div>";
    std::string xml = atom_entry(entry);
    CHECK(xml.find("xml:lang") == std::string::npos);
    CHECK(canonical_xml(xml).find(
              "<{http://www.w3.org/2005/Atom}content type=\"xhtml\"><{http://www.w3.org/1999/"
              "xhtml}div><{http://www.w3.org/1999/xhtml}p>Where<{http://www.w3.org/1999/xhtml}"
              "em>fore</{http://www.w3.org/1999/xhtml}em></{http://www.w3.org/1999/xhtml}p></"
              "{http://www.w3.org/1999/xhtml}div></{http://www.w3.org/2005/Atom}content>") !=
          std::string::npos);
}

TEST_CASE("atom writer's entry reads back through the parser with every field") {
    std::string item = "<item id='1cb57d9c'>" + atom_entry(romeo_post()) + "</item>";
    pugi::xml_document document;
    REQUIRE(document.load_string(item.c_str()));
    auto data = parse_atom_item(document.document_element()).data;
    CHECK(data["title"] == "hanging out at the Café Napolitano");
    CHECK(data["content"] == "Wherefore art thou? <not markup> & more");
    CHECK(data["published_ts"] == 1210271402);
    CHECK(data["author"]["jid"] == "romeo@montague.lit");
    CHECK(data["categories"] == nlohmann::json({"verona", "café"}));
    CHECK(data["links"][1]["rel"] == "replies");
}

TEST_CASE("pubsub URIs encode the node and read back; other URIs are not pubsub nodes") {
    std::string uri = pubsub_uri("pubsub.example.org", comments_node_of("a b/é"));
    CHECK(uri ==
          "xmpp:pubsub.example.org?;node=urn%3Axmpp%3Amicroblog%3A0%3Acomments%2Fa%20b%2F%C3%A9");
    auto location = parse_pubsub_uri(uri);
    REQUIRE(location);
    CHECK(location->service == "pubsub.example.org");
    CHECK(location->node == "urn:xmpp:microblog:0:comments/a b/é");
    // As the brief's own example writes it, unencoded.
    auto plain = parse_pubsub_uri("xmpp:alice@example.org?;node=urn:xmpp:microblog:0:comments/x");
    REQUIRE(plain);
    CHECK(plain->node == "urn:xmpp:microblog:0:comments/x");
    CHECK_FALSE(parse_pubsub_uri("https://example.org/?;node=x"));
    CHECK_FALSE(parse_pubsub_uri("xmpp:alice@example.org"));
}

TEST_CASE("dates are XEP-0082 UTC, ids are fresh") {
    using namespace std::chrono;
    CHECK(xep0082_datetime(system_clock::time_point(seconds(1210271402))) ==
          "2008-05-08T18:30:02Z");
    CHECK(new_item_id().size() == 32);
    CHECK(new_item_id() != new_item_id());
}

// SPDX-License-Identifier: MIT
#include "plugins/xep_0277/AtomParser.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <stdexcept>
#include <string>

using roost::pubsub::ParsedItem;
using roost::xep0277::parse_atom_item;

namespace {

ParsedItem parse(const std::string& xml) {
    pugi::xml_document document;
    auto result = document.load_string(xml.c_str());
    REQUIRE_MESSAGE(result, result.description());
    return parse_atom_item(document.document_element());
}

std::string parse_error(const std::string& xml) {
    try {
        parse(xml);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "";
}

// An entry in an <item/>, with the thread namespace declared on the entry.
std::string item(const std::string& entry_body) {
    return "<item id='1'><entry xmlns='http://www.w3.org/2005/Atom' "
           "xmlns:thr='http://purl.org/syndication/thread/1.0'>" +
           entry_body + "</entry></item>";
}

// Publishing a post, as XEP-0277 shows it (plus the author, categories, content and
// reply it describes in later sections).
const char* const kXepExample = R"(
<item id='1cb57d9c-1c46-11dd-838c-001143d5d5db'>
  <entry xmlns='http://www.w3.org/2005/Atom'>
    <author>
      <name>Romeo Montague</name>
      <uri>xmpp:romeo@montague.lit</uri>
    </author>
    <title type='text'>hanging out at the Caf&#233; Napolitano</title>
    <content type='text'>Juliet is not here yet.</content>
    <link rel='alternate' type='text/html'
          href='http://blogs.shakespeare.lit/romeo/posts/1'/>
    <link rel='alternate'
          href='xmpp:romeo@montague.lit?;node=urn%3Axmpp%3Amicroblog%3A0;item=1cb57d9c-1c46-11dd-838c-001143d5d5db'/>
    <link rel='replies' title='comments'
          href='xmpp:pubsub.montague.lit?;node=urn%3Axmpp%3Amicroblog%3A0%3Acomments%2F1cb57d9c'/>
    <category term='verona'/>
    <category term='coffee'/>
    <thr:in-reply-to xmlns:thr='http://purl.org/syndication/thread/1.0'
        ref='tag:montague.lit,2008-05-08:posts-abc'
        href='xmpp:juliet@capulet.lit?;node=urn%3Axmpp%3Amicroblog%3A0;item=abc'/>
    <id>tag:montague.lit,2008-05-08:posts-1cb57d9c-1c46-11dd-838c-001143d5d5db</id>
    <published>2008-05-08T18:30:02Z</published>
    <updated>2008-05-08T18:32:02Z</updated>
  </entry>
</item>)";

}  // namespace

TEST_CASE("the XEP-0277 example post parses into every field") {
    auto parsed = parse(kXepExample);
    const auto& data = parsed.data;
    CHECK(data["id"] == "tag:montague.lit,2008-05-08:posts-1cb57d9c-1c46-11dd-838c-001143d5d5db");
    CHECK(data["title"] == "hanging out at the Caf\u00e9 Napolitano");
    CHECK(data["title_type"] == "text");
    CHECK(data["content"] == "Juliet is not here yet.");
    CHECK(data["content_type"] == "text");
    CHECK(data["author"] == nlohmann::json{{"name", "Romeo Montague"},
                                           {"uri", "xmpp:romeo@montague.lit"},
                                           {"jid", "romeo@montague.lit"}});
    CHECK(data["published"] == "2008-05-08T18:30:02Z");
    CHECK(data["updated"] == "2008-05-08T18:32:02Z");
    CHECK(data["published_ts"] == 1210271402);
    CHECK(data["updated_ts"] == 1210271522);
    CHECK(data["categories"] == nlohmann::json{"verona", "coffee"});
    REQUIRE(data["links"].size() == 3);
    CHECK(data["links"][0] == nlohmann::json{{"rel", "alternate"},
                                             {"href", "http://blogs.shakespeare.lit/romeo/posts/1"},
                                             {"type", "text/html"}});
    CHECK(data["links"][2]["rel"] == "replies");
    CHECK(data["links"][2]["title"] == "comments");
    CHECK(data["in_reply_to"]["ref"] == "tag:montague.lit,2008-05-08:posts-abc");
    CHECK(data["in_reply_to"]["href"] ==
          "xmpp:juliet@capulet.lit?;node=urn%3Axmpp%3Amicroblog%3A0;item=abc");
    CHECK(parsed.search_text ==
          "hanging out at the Caf\u00e9 Napolitano\nJuliet is not here yet.\nverona coffee");
}

TEST_CASE("xhtml content gives plain text and keeps the xhtml") {
    auto parsed = parse(item(R"(
        <title>A short post</title>
        <content type='xhtml'>
          <div xmlns='http://www.w3.org/1999/xhtml'>
            <p>hanging out at the <strong>Caf&#233;   Napolitano</strong></p>
            <p>second<br/>line</p>
          </div>
        </content>)"));
    const auto& data = parsed.data;
    CHECK(data["content"] == "hanging out at the Caf\u00e9 Napolitano\nsecond\nline");
    CHECK(data["content_type"] == "xhtml");
    std::string xhtml = data["content_xhtml"];
    CHECK(xhtml.starts_with("<div xmlns=\"http://www.w3.org/1999/xhtml\">"));
    CHECK(xhtml.find("<strong>Caf\u00e9   Napolitano</strong>") != std::string::npos);
    CHECK_FALSE(data.contains("content_html"));
}

TEST_CASE("a plain text content wins over the same text in xhtml") {
    auto parsed = parse(item(R"(
        <content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'><p>rich <em>text</em></p></div></content>
        <content type='text'>plain text</content>)"));
    CHECK(parsed.data["content"] == "plain text");
    CHECK(parsed.data["content_type"] == "xhtml");
    CHECK(parsed.data.contains("content_xhtml"));
}

TEST_CASE("an xhtml title gives plain text") {
    auto parsed = parse(item(R"(
        <title type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>Hello <b>world</b></div></title>)"));
    CHECK(parsed.data["title"] == "Hello world");
    CHECK(parsed.data["title_type"] == "xhtml");
    CHECK(parsed.data["title_xhtml"] ==
          "<div xmlns=\"http://www.w3.org/1999/xhtml\">Hello <b>world</b></div>");
}

TEST_CASE("entity-escaped html content is decoded, stripped and kept") {
    auto parsed = parse(
        item("<content type='html'>&lt;p&gt;Fish &amp;amp; chips &amp;lt;3 at &lt;b "
             "class=\"x&gt;y\"&gt;Caf&amp;#233;&lt;/b&gt;&lt;/p&gt;&lt;p&gt;5 &lt; 6&lt;/p&gt;"
             "&lt;script&gt;alert('no')&lt;/script&gt;&lt;!-- hidden --&gt;</content>"));
    const auto& data = parsed.data;
    CHECK(data["content"] == "Fish & chips <3 at Caf\u00e9\n5 < 6");
    CHECK(data["content_type"] == "html");
    CHECK(data["content_html"] ==
          "<p>Fish &amp; chips &lt;3 at <b class=\"x>y\">Caf&#233;</b></p><p>5 < 6</p>"
          "<script>alert('no')</script><!-- hidden -->");
}

TEST_CASE("escaped markup in a text title is text, not markup") {
    auto parsed = parse(item("<title>1 &lt; 2 &amp;&amp; &lt;b&gt;bold&lt;/b&gt;</title>"));
    CHECK(parsed.data["title"] == "1 < 2 && <b>bold</b>");
}

TEST_CASE("CDATA content is read as text") {
    auto parsed = parse(item("<content><![CDATA[a <raw> text]]></content>"));
    CHECK(parsed.data["content"] == "a <raw> text");
}

TEST_CASE("search_text holds words, never markup") {
    auto parsed = parse(item(R"(
        <title type='html'>&lt;em&gt;Big&lt;/em&gt; news</title>
        <content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'><p>Some <a href='http://x'>link</a></p></div></content>
        <category term='tag1'/><category term=''/><category term='tag2'/>)"));
    CHECK(parsed.search_text == "Big news\nSome link\ntag1 tag2");
    CHECK(parsed.search_text.find('<') == std::string::npos);
    CHECK(parsed.data["title_html"] == "<em>Big</em> news");
}

TEST_CASE("missing fields are absent, not errors") {
    auto parsed = parse(item("<title>only a title</title>"));
    CHECK(parsed.data == nlohmann::json{{"title", "only a title"}, {"title_type", "text"}});
    CHECK(parsed.search_text == "only a title");

    auto empty = parse(item(""));
    CHECK(empty.data == nlohmann::json::object());
    CHECK(empty.search_text.empty());
}

TEST_CASE("empty elements count as missing") {
    auto parsed = parse(item(R"(<title/><content type='text'>  </content><id></id>
        <author><name/></author><published/><link rel='self'/>)"));
    CHECK(parsed.data == nlohmann::json::object());
}

TEST_CASE("an author without an xmpp: uri has no jid") {
    auto parsed = parse(
        item("<author><name>Ann</name><uri>https://ann.example</uri><email>ann@example.org</email>"
             "</author>"));
    CHECK(parsed.data["author"] == nlohmann::json{{"name", "Ann"},
                                                  {"uri", "https://ann.example"},
                                                  {"email", "ann@example.org"}});
}

TEST_CASE("an author's jid comes from any form of xmpp: uri") {
    auto jid = [](const std::string& uri) {
        return parse(item("<author><uri>" + uri + "</uri></author>")).data["author"]["jid"];
    };
    CHECK(jid("xmpp:juliet@capulet.lit?;node=x") == "juliet@capulet.lit");
    CHECK(jid("xmpp://guest@example.com/support@example.com?message") == "support@example.com");
    CHECK(jid("xmpp:ren%C3%A9@example.org") == "ren\u00e9@example.org");
}

TEST_CASE("timestamps are numbers: Unix seconds, offsets applied, fractions kept") {
    auto ts = [](const std::string& date) {
        return parse(item("<published>" + date + "</published>")).data;
    };
    CHECK(ts("1970-01-01T00:00:00Z")["published_ts"] == 0);
    CHECK(ts("2008-05-08T20:30:02+02:00")["published_ts"] == 1210271402);
    CHECK(ts("2008-05-08T16:00:02-02:30")["published_ts"] == 1210271402);
    CHECK(ts("2008-05-08t18:30:02z")["published_ts"] == 1210271402);
    CHECK(ts("2008-05-08T18:30:02.25Z")["published_ts"] == doctest::Approx(1210271402.25));
    CHECK(ts("2024-02-29T12:00:00Z")["published_ts"] == 1709208000);
    CHECK(ts("2008-05-08T18:30:02Z")["published_ts"].is_number_integer());
}

TEST_CASE("a post's time, by which streams merge, is its published date, else its updated one") {
    CHECK(parse(item("<published>2008-05-08T18:30:02.25Z</published><updated>2009-01-01T00:00:00Z"
                     "</updated>"))
              .time == 1210271402250);
    CHECK(parse(item("<updated>2008-05-08T18:30:02Z</updated>")).time == 1210271402000);
    CHECK(parse(item("<published>yesterday</published>")).time == 0);
    CHECK(parse(item("<title>no date</title>")).time == 0);
}

TEST_CASE("a date that is not RFC 3339 is kept as given, without a timestamp") {
    for (const char* date :
         {"yesterday", "2008-05-08", "2008-05-08T18:30:02", "2023-02-29T00:00:00Z",
          "2008-13-08T18:30:02Z", "2008-05-08T24:30:02Z", "2008-05-08T18:30:02Zjunk"}) {
        CAPTURE(date);
        auto data = parse(item(std::string("<published>") + date + "</published>")).data;
        CHECK(data["published"] == date);
        CHECK_FALSE(data.contains("published_ts"));
    }
}

TEST_CASE("timestamps sort numerically across time zones") {
    auto early = parse(item("<updated>2020-01-01T10:00:00+05:00</updated>")).data;
    auto late = parse(item("<updated>2020-01-01T06:00:00Z</updated>")).data;
    CHECK(early["updated_ts"].get<double>() < late["updated_ts"].get<double>());
}

TEST_CASE("a link without rel is an alternate") {
    auto parsed = parse(item("<link href='http://example.org/post'/>"));
    CHECK(parsed.data["links"] ==
          nlohmann::json::array({{{"rel", "alternate"}, {"href", "http://example.org/post"}}}));
}

TEST_CASE("namespace prefixes are resolved, not guessed from names") {
    auto prefixed =
        parse("<item><a:entry xmlns:a='http://www.w3.org/2005/Atom'><a:title>prefixed</a:title>"
              "<title>not atom</title></a:entry></item>");
    CHECK(prefixed.data["title"] == "prefixed");

    auto foreign_reply = parse(item("<in-reply-to ref='not-thread-namespace'/>"));
    CHECK_FALSE(foreign_reply.data.contains("in_reply_to"));
}

TEST_CASE("an item without an Atom entry is an error that says what it holds") {
    CHECK(parse_error("<item id='x1'><entry xmlns='urn:example:not-atom'/></item>") ==
          "item 'x1' holds {urn:example:not-atom}entry, not an Atom entry "
          "({http://www.w3.org/2005/Atom}entry)");
    CHECK(parse_error("<item id='x2'/>") == "item 'x2' has no payload, expected an Atom entry");
    CHECK(parse_error("<item>just text</item>") == "item has no payload, expected an Atom entry");
    CHECK(parse_error("<item><geoloc xmlns='http://jabber.org/protocol/geoloc'/></item>")
              .starts_with("item holds {http://jabber.org/protocol/geoloc}geoloc"));
}

TEST_CASE("the parser goes through the SDK's ItemParser type") {
    roost::pubsub::ItemParser parser = parse_atom_item;
    pugi::xml_document document;
    REQUIRE(document.load_string(item("<id>x</id>").c_str()));
    CHECK(parser(document.document_element()).data["id"] == "x");
}

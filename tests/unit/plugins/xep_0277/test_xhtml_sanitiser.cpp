// SPDX-License-Identifier: MIT
// The XHTML sanitiser: what a frontend's markup may keep before it is published.
#include "plugins/xep_0277/XhtmlSanitiser.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using roost::xep0277::sanitise_xhtml;

namespace {

// The sanitised fragment inside its <div/>.
std::string inner(const std::string& xhtml) {
    std::string out = sanitise_xhtml(xhtml);
    if (out == "<div xmlns=\"http://www.w3.org/1999/xhtml\"/>") return "";
    const std::string open = "<div xmlns=\"http://www.w3.org/1999/xhtml\">";
    REQUIRE(out.starts_with(open));
    REQUIRE(out.ends_with("</div>"));
    return out.substr(open.size(), out.size() - open.size() - 6);
}

}  // namespace

TEST_CASE("sanitiser keeps the XHTML-IM profile's elements, attributes and text as given") {
    std::string safe =
        "<p style=\"color: red\" xml:lang=\"en\">Hello <strong>big</strong> <em>world</em>"
        "<br/><a href=\"https://example.org/a?b=c&amp;d\" type=\"text/html\">link</a></p>"
        "<blockquote cite=\"xmpp:romeo@montague.lit\"><q>quoted</q></blockquote>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><pre>  code\n  here</pre><h2>Head</h2>"
        "<img src=\"http://example.org/i.png\" alt=\"pic\" width=\"10\" height=\"20\"/>"
        "<span title=\"t\"><code>x</code><cite>c</cite><b>b</b><i>i</i></span>";
    CHECK(inner(safe) == safe);
}

TEST_CASE("sanitiser drops script, style, iframe and object elements with their content") {
    CHECK(inner("<p>a<script>alert(1)</script>b</p>") == "<p>ab</p>");
    CHECK(inner("<style>p { color: red }</style><p>text</p>") == "<p>text</p>");
    CHECK(inner("<iframe src=\"https://evil.example\">inside</iframe>after") == "after");
    CHECK(inner("<object data=\"x.swf\"><param name=\"a\"/>fallback</object>ok") == "ok");
    CHECK(inner("<SCRIPT>x</SCRIPT>kept") == "kept");
    CHECK(inner("<svg><script>x</script></svg>kept") == "kept");
    CHECK(inner("<h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">x</h:script>kept") == "kept");
}

TEST_CASE("sanitiser drops event handler attributes and keeps the element") {
    CHECK(inner("<p onclick=\"steal()\" ONMOUSEOVER=\"x()\">hi</p>") == "<p>hi</p>");
    CHECK(inner("<img src=\"http://e.org/i.png\" onerror=\"x()\"/>") ==
          "<img src=\"http://e.org/i.png\"/>");
}

TEST_CASE("sanitiser drops javascript:, data: and vbscript: links whatever their case and "
          "spacing") {
    for (const char* href :
         {"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
          "java&#9;script:alert(1)", "jav&#x0A;ascript:alert(1)", "&#106;avascript:alert(1)",
          "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox", "VBScript:x", "DATA:x"}) {
        CAPTURE(href);
        CHECK(inner(std::string("<a href=\"") + href + "\">x</a>") == "<a>x</a>");
    }
    CHECK(inner("<img src=\"javascript:alert(1)\" alt=\"a\"/>after") == "after");
    CHECK(inner("<img src=\"data:image/png;base64,AAAA\"/>") == "");
    CHECK(inner("<blockquote cite=\"javascript:x\">q</blockquote>") ==
          "<blockquote>q</blockquote>");
    // Relative links and the safe schemes stay.
    CHECK(inner("<a href=\"/posts/1\">x</a>") == "<a href=\"/posts/1\">x</a>");
    CHECK(inner("<a href=\"page:1\">x</a>") == "<a>x</a>");
    CHECK(inner("<a href=\"mailto:a@b.org\">m</a>") == "<a href=\"mailto:a@b.org\">m</a>");
}

TEST_CASE("sanitiser drops style attributes with url( or expression(") {
    CHECK(inner("<p style=\"background: URL (http://e.org/x)\">a</p>") == "<p>a</p>");
    CHECK(inner("<p style=\"width: expression(alert(1))\">a</p>") == "<p>a</p>");
    CHECK(inner("<p style=\"w: exp/**/ression(1)\">a</p>") == "<p>a</p>");
    CHECK(inner("<p style=\"color: \\75rl(x)\">a</p>") == "<p>a</p>");
    CHECK(inner("<p style=\"font-weight: bold\">a</p>") == "<p style=\"font-weight: bold\">a</p>");
}

TEST_CASE("sanitiser unwraps other elements, keeping their text, and drops comments") {
    CHECK(inner("<div><table><tr><td>cell</td></tr></table><font color=\"red\">red</font></div>"
                "<!-- note --><?pi x?>") == "cellred");
    CHECK(inner("<body><p>in body</p></body>") == "<p>in body</p>");
    CHECK(inner("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a</p></div>") == "<p>a</p>");
    CHECK(inner("plain &amp; simple") == "plain &amp; simple");
    CHECK(inner("<![CDATA[<b>not markup</b>]]>") == "&lt;b&gt;not markup&lt;/b&gt;");
}

TEST_CASE("sanitiser refuses markup that is not well-formed") {
    CHECK_THROWS_AS(sanitise_xhtml("<p>open"), std::invalid_argument);
    CHECK_THROWS_WITH(sanitise_xhtml("<p></b>"), doctest::Contains("not well-formed"));
}

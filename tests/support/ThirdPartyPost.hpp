// SPDX-License-Identifier: MIT
// ThirdPartyPost: an Atom entry as clients other than Roost write them (Movim, Libervia,
// Conversations): what Roost must store, answer and publish without changing a thing.
#pragma once

namespace roost::test {

// xml:lang, a prefixed attribute declared on an ancestor (thr:count), a prefixed
// element, whitespace-only text between inline elements and between elements, an
// entity, character references (a newline in an attribute, a carriage return in text),
// CDATA, non-BMP characters, and an element in no namespace.
inline constexpr const char* kThirdPartyPost =
    "<entry xmlns='http://www.w3.org/2005/Atom' xml:lang='en' "
    "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
    "<title type='text'>Caf\xC3\xA9 &amp; friends \xF0\x9F\x98\x80</title>\n  "
    "<link rel='replies' thr:count='3' href='xmpp:a@b?;node=c' title='line&#10;two'/>"
    "<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'><p><strong>bold</strong> "
    "<em>italic</em>&#13;<![CDATA[<raw> & ]]></p></div></content>"
    "<thr:in-reply-to ref='x' xml:lang='fr'/><plain xmlns=''>no namespace</plain>"
    "<id>tag:example.org,2026:fidelity</id><published>2026-06-01T12:00:00Z</published>"
    "<updated>2026-06-01T12:00:00Z</updated></entry>";

}  // namespace roost::test

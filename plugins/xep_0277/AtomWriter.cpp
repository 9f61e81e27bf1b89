// SPDX-License-Identifier: MIT
// AtomWriter: entries built with pugixml, so that every value is escaped by the writer.
#include "AtomWriter.hpp"

#include "AtomParser.hpp"
#include "XmppUri.hpp"
#include "roost/Xml.hpp"

#include <pugixml.hpp>

#include <cstdio>
#include <ctime>
#include <random>

namespace roost::xep0277 {
namespace {

void add_text(pugi::xml_node parent, const char* name, const std::string& text) {
    parent.append_child(name).append_child(pugi::node_pcdata).set_value(text.c_str());
}

void add_link(pugi::xml_node entry, const char* rel, const char* title, const std::string& href) {
    auto link = entry.append_child("link");
    link.append_attribute("rel") = rel;
    if (title != nullptr) link.append_attribute("title") = title;
    link.append_attribute("href") = href.c_str();
}

}  // namespace

std::string atom_entry(const AtomEntry& in) {
    pugi::xml_document document;
    auto entry = document.append_child("entry");
    entry.append_attribute("xmlns") = kAtomNamespace;
    if (!in.language.empty()) entry.append_attribute("xml:lang") = in.language.c_str();
    add_text(entry, "title", in.title);
    entry.child("title").append_attribute("type") = "text";
    add_text(entry, "id", in.atom_id);
    add_text(entry, "published", in.published);
    add_text(entry, "updated", in.updated);
    auto author = entry.append_child("author");
    add_text(author, "name", in.author_name);
    add_text(author, "uri", "xmpp:" + in.author_jid);
    auto content = entry.append_child("content");
    content.append_attribute("type") = "text";
    content.append_child(pugi::node_pcdata).set_value(in.content.c_str());
    if (in.content_xhtml) {
        pugi::xml_document xhtml;
        if (load_xml(xhtml, *in.content_xhtml) && xhtml.document_element()) {
            auto rich = entry.append_child("content");
            rich.append_attribute("type") = "xhtml";
            rich.append_copy(xhtml.document_element());
        }
    }
    for (const auto& tag : in.tags)
        entry.append_child("category").append_attribute("term") = tag.c_str();
    if (!in.alternate_uri.empty()) add_link(entry, "alternate", nullptr, in.alternate_uri);
    if (!in.comments_uri.empty()) add_link(entry, "replies", "comments", in.comments_uri);
    return to_xml(entry);
}

std::string xep0082_datetime(std::chrono::system_clock::time_point at) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(at);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string tag_uri(std::string_view bare_jid, std::string_view published,
                    std::string_view item_id) {
    auto at = bare_jid.find('@');
    auto domain = at == std::string_view::npos ? bare_jid : bare_jid.substr(at + 1);
    return "tag:" + std::string(domain) + "," + std::string(published.substr(0, 10)) + ":posts-" +
           std::string(item_id);
}

std::string comments_node_of(std::string_view item_id) {
    return kCommentsNodePrefix + std::string(item_id);
}

std::string new_item_id() {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(random()),
                  static_cast<unsigned long long>(random()));
    return text;
}

}  // namespace roost::xep0277

// SPDX-License-Identifier: MIT
// PostJson: parse_atom_item's JSON, completed with what a frontend needs to act on it.
#include "PostJson.hpp"

#include "AtomParser.hpp"
#include "AtomWriter.hpp"
#include "XhtmlSanitiser.hpp"
#include "XmppUri.hpp"
#include "roost/Xml.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <exception>

namespace roost::xep0277 {
namespace {

using nlohmann::json;

// The first <link rel='replies' title='comments'/> naming a pubsub node.
json comments_of(const json& data) {
    if (!data.contains("links")) return nullptr;
    for (const auto& link : data["links"]) {
        if (link.value("rel", "") != "replies" || link.value("title", "") != "comments") continue;
        if (auto location = parse_pubsub_uri(link.value("href", "")))
            return {{"service", location->service}, {"node", location->node}};
    }
    return nullptr;
}

// xml:lang of the entry, else of the item.
std::string language_of(pugi::xml_node item) {
    for (auto child : item.children()) {
        if (child.type() != pugi::node_element) continue;
        if (auto lang = child.attribute("xml:lang")) return lang.value();
    }
    return item.attribute("xml:lang").value();
}

double time_of(const json& post) {
    for (const char* field : {"published_ts", "updated_ts"})
        if (post.contains(field) && post[field].is_number()) return post[field].get<double>();
    return -1;
}

}  // namespace

json post_json(const pubsub::Item& item, const std::string& service, const std::string& node) {
    json out = {{"item_id", item.id},
                {"service", service},
                {"node", node},
                {"publisher", item.publisher}};
    pugi::xml_document document;
    auto parsed = load_xml(document, item.xml);
    if (!parsed) {
        out["parse_error"] = std::string("item is not well-formed XML: ") + parsed.description();
        return out;
    }
    try {
        json data = parse_atom_item(document.document_element()).data;
        data.update(out);
        out = std::move(data);
    } catch (const std::exception& e) {
        out["parse_error"] = e.what();
        return out;
    }
    std::string language = language_of(document.document_element());
    if (!language.empty()) out["language"] = language;
    out["comments"] = comments_of(out);
    out["comment_count"] = nullptr;
    if (out.contains("content_xhtml")) {
        try {
            out["content_xhtml_sanitised"] =
                sanitise_xhtml(out["content_xhtml"].get<std::string>());
        } catch (const std::exception&) {
            // The parser's own serialisation is well-formed: this cannot fail.
        }
    }
    return out;
}

void sort_newest_first(json& posts) {
    std::stable_sort(posts.begin(), posts.end(),
                     [](const json& a, const json& b) { return time_of(a) > time_of(b); });
}

}  // namespace roost::xep0277

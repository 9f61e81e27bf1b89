// SPDX-License-Identifier: MIT
// XhtmlSanitiser: an allow-list walk that copies the safe part of a parsed fragment
// into a fresh document; nothing of the input is written out unless it was allowed.
#include "XhtmlSanitiser.hpp"

#include "roost/Xml.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace roost::xep0277 {
namespace {

constexpr std::string_view kKeptElements[] = {
    "a",  "b", "blockquote", "br", "cite", "code", "em",  "h1", "h2",   "h3",     "h4", "h5",
    "h6", "i", "img",        "li", "ol",   "p",    "pre", "q",  "span", "strong", "ul"};

constexpr std::string_view kDroppedElements[] = {
    "applet", "base", "embed",    "form",   "frame",  "frameset", "head", "iframe",   "link",
    "math",   "meta", "noscript", "object", "script", "style",    "svg",  "template", "title"};

constexpr std::string_view kSafeSchemes[] = {"http", "https", "xmpp", "mailto",
                                             "tel",  "geo",   "cid"};

constexpr std::string_view kUnsafeStyle[] = {"url(",     "expression(", "javascript:", "@import",
                                             "behavior", "\\",          "/*"};

template <std::size_t N>
bool among(const std::string_view (&names)[N], std::string_view name) {
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view local_name(std::string_view name) {
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// Lower case, without the whitespace and control characters browsers skip inside a
// scheme ("java\tscript:" runs as javascript:).
std::string squeezed(std::string_view text) {
    std::string out;
    for (char c : lower(text))
        if (static_cast<unsigned char>(c) > 0x20 && c != 0x7f) out += c;
    return out;
}

// A link is safe when it is relative, or absolute with a scheme of the list.
bool safe_uri(std::string_view uri) {
    std::string squeezed_uri = squeezed(uri);
    auto colon = squeezed_uri.find(':');
    auto path = squeezed_uri.find_first_of("/?#");
    if (colon == std::string::npos || (path != std::string::npos && path < colon)) return true;
    return among(kSafeSchemes, squeezed_uri.substr(0, colon));
}

bool safe_style(std::string_view style) {
    std::string squeezed_style = squeezed(style);
    return std::none_of(
        std::begin(kUnsafeStyle), std::end(kUnsafeStyle),
        [&](std::string_view bad) { return squeezed_style.find(bad) != std::string::npos; });
}

bool uri_attribute(std::string_view name) {
    return name == "href" || name == "src" || name == "cite";
}

bool allowed_attribute(std::string_view element, std::string_view name) {
    if (name == "style" || name == "title" || name == "xml:lang") return true;
    if (element == "a") return name == "href" || name == "type";
    if (element == "img")
        return name == "src" || name == "alt" || name == "width" || name == "height";
    if (element == "blockquote" || element == "q") return name == "cite";
    return false;
}

void copy_attributes(pugi::xml_node from, pugi::xml_node to, std::string_view element) {
    for (auto attribute : from.attributes()) {
        std::string_view name = attribute.name();
        std::string_view value = attribute.value();
        if (!allowed_attribute(element, name)) continue;
        if (uri_attribute(name) && !safe_uri(value)) continue;
        if (name == "style" && !safe_style(value)) continue;
        to.append_attribute(attribute.name()) = attribute.value();
    }
}

void copy_children(pugi::xml_node from, pugi::xml_node to);

void copy_element(pugi::xml_node from, pugi::xml_node to) {
    // Prefixed elements are other vocabularies: only their text may come through.
    std::string_view raw_name = from.name();
    std::string name = lower(local_name(raw_name));
    if (among(kDroppedElements, name)) return;
    bool prefixed = raw_name.find(':') != std::string_view::npos;
    if (prefixed || !among(kKeptElements, name)) {
        copy_children(from, to);
        return;
    }
    if (name == "img" && !safe_uri(from.attribute("src").value())) return;
    if (name == "img" && std::string_view(from.attribute("src").value()).empty()) return;
    auto copy = to.append_child(name.c_str());
    copy_attributes(from, copy, name);
    copy_children(from, copy);
}

void copy_children(pugi::xml_node from, pugi::xml_node to) {
    for (auto child : from.children()) {
        switch (child.type()) {
            case pugi::node_pcdata:
            case pugi::node_cdata:
                to.append_child(pugi::node_pcdata).set_value(child.value());
                break;
            case pugi::node_element: copy_element(child, to); break;
            default: break;  // comments, processing instructions, doctypes
        }
    }
}

// The element whose children are the content: a lone <div/>, <body/> or <html><body/>
// around everything is a wrapper, not content.
pugi::xml_node content_root(pugi::xml_node wrapper) {
    pugi::xml_node only;
    for (auto child : wrapper.children()) {
        bool blank =
            child.type() == pugi::node_pcdata &&
            std::string_view(child.value()).find_first_not_of(" \t\r\n") == std::string_view::npos;
        if (blank || child.type() == pugi::node_comment) continue;
        if (child.type() != pugi::node_element || only) return wrapper;
        only = child;
    }
    if (!only) return wrapper;
    std::string name = lower(local_name(only.name()));
    if (name == "div" || name == "body") return only;
    if (name == "html" && only.child("body")) return only.child("body");
    return wrapper;
}

}  // namespace

std::string sanitise_xhtml(std::string_view xhtml) {
    pugi::xml_document input;
    std::string wrapped = "<roost-fragment>" + std::string(xhtml) + "</roost-fragment>";
    auto parsed = load_xml(input, wrapped);
    if (!parsed)
        throw std::invalid_argument(
            std::string("XHTML is not well-formed: ") + parsed.description() + " at offset " +
            std::to_string(std::max<std::ptrdiff_t>(parsed.offset - 16, 0)));
    pugi::xml_document output;
    auto div = output.append_child("div");
    div.append_attribute("xmlns") = kXhtmlNamespace;
    copy_children(content_root(input.document_element()), div);
    return to_xml(div);
}

}  // namespace roost::xep0277

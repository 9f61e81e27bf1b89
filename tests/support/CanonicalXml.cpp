// SPDX-License-Identifier: MIT
// CanonicalXml: one expat pass; an element's canonical form is written while it is open.
#include "tests/support/CanonicalXml.hpp"

#include <expat.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace roost::test {
namespace {

// Expat's "namespace<sep>local"; no URI holds a newline.
constexpr char kSeparator = '\n';

// "{namespace}local", or "local" in no namespace.
std::string expanded(const char* name) {
    const char* sep = std::strchr(name, kSeparator);
    if (!sep) return name;
    return "{" + std::string(name, sep) + "}" + (sep + 1);
}

std::string escaped(std::string_view text, bool attribute) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += attribute ? "&quot;" : "\""; break;
            case '\r': out += "&#13;"; break;
            case '\n': out += attribute ? "&#10;" : "\n"; break;
            case '\t': out += attribute ? "&#9;" : "\t"; break;
            default: out += c;
        }
    }
    return out;
}

// Writes the canonical form of every element; `on_open`/`on_close` let a caller pick
// the parts it wants by their start and end offsets in `out`.
struct Canonicaliser {
    std::string out;
    std::string text;  // pending character data, merged until the next tag
    struct Open {
        std::string name;
        std::size_t start;
        std::string item_id;  // of an <item/> whose payload is wanted
        bool payload_seen = false;
    };
    std::vector<Open> open;
    std::map<std::string, std::string> payloads;

    void flush_text() {
        out += escaped(text, false);
        text.clear();
    }

    void start(const char* name, const char** attributes) {
        flush_text();
        std::vector<std::pair<std::string, std::string>> sorted;
        std::string id;
        bool has_id = false;
        for (int i = 0; attributes[i]; i += 2) {
            sorted.emplace_back(expanded(attributes[i]), attributes[i + 1]);
            if (std::strcmp(attributes[i], "id") == 0) {
                id = attributes[i + 1];
                has_id = true;
            }
        }
        std::sort(sorted.begin(), sorted.end());
        std::string element = expanded(name);
        Open entry{element, out.size(), {}, false};
        std::string_view local(element);
        local = local.substr(local.rfind('}') == std::string_view::npos ? 0 : local.rfind('}') + 1);
        if (local == "item" && has_id) {
            entry.item_id = id;
            payloads[id];  // "" until a payload shows
        }
        out += "<" + element;
        for (const auto& [key, value] : sorted)
            out += " " + key + "=\"" + escaped(value, true) + "\"";
        out += ">";
        open.push_back(std::move(entry));
    }

    void end() {
        flush_text();
        Open closing = std::move(open.back());
        open.pop_back();
        out += "</" + closing.name + ">";
        if (open.empty() || open.back().item_id.empty() || open.back().payload_seen) return;
        open.back().payload_seen = true;
        payloads[open.back().item_id] = out.substr(closing.start);
    }
};

void parse(Canonicaliser& canonicaliser, std::string_view xml) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(
        XML_ParserCreateNS("UTF-8", kSeparator), XML_ParserFree);
    if (!parser) throw std::bad_alloc();
    XML_SetUserData(parser.get(), &canonicaliser);
    XML_SetElementHandler(
        parser.get(),
        [](void* self, const XML_Char* name, const XML_Char** attributes) {
            static_cast<Canonicaliser*>(self)->start(name, attributes);
        },
        [](void* self, const XML_Char*) { static_cast<Canonicaliser*>(self)->end(); });
    XML_SetCharacterDataHandler(parser.get(), [](void* self, const XML_Char* s, int length) {
        static_cast<Canonicaliser*>(self)->text.append(s, static_cast<std::size_t>(length));
    });
    if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE) ==
        XML_STATUS_ERROR)
        throw std::runtime_error(std::string("not well-formed XML (") +
                                 XML_ErrorString(XML_GetErrorCode(parser.get())) + ", line " +
                                 std::to_string(XML_GetCurrentLineNumber(parser.get())) +
                                 "): " + std::string(xml.substr(0, 200)));
}

}  // namespace

std::string canonical_xml(std::string_view xml) {
    Canonicaliser canonicaliser;
    parse(canonicaliser, xml);
    return canonicaliser.out;
}

std::map<std::string, std::string> canonical_payloads(std::string_view xml) {
    Canonicaliser canonicaliser;
    parse(canonicaliser, xml);
    return canonicaliser.payloads;
}

}  // namespace roost::test

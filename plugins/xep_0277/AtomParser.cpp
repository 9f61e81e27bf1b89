// SPDX-License-Identifier: MIT
// AtomParser: Atom entries to JSON. pugixml knows no namespaces, so prefixes are
// resolved here by walking up to their xmlns declarations.
#include "AtomParser.hpp"

#include "PlainText.hpp"
#include "XmppUri.hpp"
#include "roost/Xml.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace roost::xep0277 {
namespace {

using nlohmann::json;

constexpr std::string_view kXmppScheme = "xmpp:";

std::string_view local_name(pugi::xml_node node) {
    std::string_view name = node.name();
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The namespace URI of an element, from the nearest declaration of its prefix.
std::string_view namespace_of(pugi::xml_node node) {
    std::string_view name = node.name();
    auto colon = name.find(':');
    std::string declaration = "xmlns";
    if (colon != std::string_view::npos) declaration += ":" + std::string(name.substr(0, colon));
    for (auto at = node; at; at = at.parent()) {
        if (auto attribute = at.attribute(declaration.c_str())) return attribute.value();
    }
    return {};
}

bool is_element(pugi::xml_node node, std::string_view ns, std::string_view local) {
    return node.type() == pugi::node_element && local_name(node) == local &&
           namespace_of(node) == ns;
}

pugi::xml_node atom_child(pugi::xml_node parent, std::string_view local) {
    for (auto child : parent.children()) {
        if (is_element(child, kAtomNamespace, local)) return child;
    }
    return {};
}

std::string trimmed(std::string_view text) {
    constexpr std::string_view kSpace = " \t\r\n";
    auto first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    auto last = text.find_last_not_of(kSpace);
    return std::string(text.substr(first, last - first + 1));
}

// Every character of an element's text and CDATA, nested or not, as written.
void append_text(pugi::xml_node node, std::string& out) {
    for (auto child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            out += child.value();
        } else if (child.type() == pugi::node_element) {
            append_text(child, out);
        }
    }
}

std::string text_of(pugi::xml_node node) {
    std::string out;
    append_text(node, out);
    return trimmed(out);
}

// An Atom text construct (title, content...): each of its elements, merged. A post
// may give the same text twice (type 'text' and 'xhtml'); the plain one wins.
struct TextConstruct {
    bool present = false;
    std::string type;  // of the first element: "text", "html", "xhtml" or a MIME type
    std::optional<std::string> plain;
    std::optional<std::string> derived;  // from markup, when no plain text is given
    std::string xhtml;
    std::string html;
    std::string src;  // out-of-line content (RFC 4287 4.1.3.2)

    std::optional<std::string> text() const { return plain ? plain : derived; }
};

void read_text_element(pugi::xml_node element, TextConstruct& out) {
    std::string type = element.attribute("type").as_string("text");
    if (!out.present) out.type = type;
    out.present = true;
    if (auto src = element.attribute("src")) out.src = src.value();

    if (type == "xhtml") {
        // The markup is one xhtml <div/>, which is not part of the text itself.
        auto div =
            element.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; });
        auto root = div ? div : element;
        if (out.xhtml.empty() && div) out.xhtml = to_xml(div);
        if (!out.derived) out.derived = xhtml_to_text(root);
    } else if (type == "html") {
        std::string html;
        append_text(element, html);
        if (out.html.empty()) out.html = trimmed(html);
        if (!out.derived) out.derived = html_to_text(html);
    } else if (type == "text" || type.starts_with("text/")) {
        if (!out.plain) out.plain = text_of(element);
    }
    // Other MIME types are base64 or XML documents: no text to show or index.
}

TextConstruct read_text_construct(pugi::xml_node entry, std::string_view local) {
    TextConstruct out;
    for (auto child : entry.children()) {
        if (is_element(child, kAtomNamespace, local)) read_text_element(child, out);
    }
    return out;
}

// Sets `name` (plain text), `name`_type and `name`_xhtml / _html / _src; an empty
// element is as good as none.
void put_text_construct(json& data, const std::string& name, const TextConstruct& construct) {
    auto text = construct.text().value_or("");
    if (!text.empty()) data[name] = text;
    if (!construct.xhtml.empty()) data[name + "_xhtml"] = construct.xhtml;
    if (!construct.html.empty()) data[name + "_html"] = construct.html;
    if (!construct.src.empty()) data[name + "_src"] = construct.src;
    bool any = !text.empty() || !construct.xhtml.empty() || !construct.html.empty() ||
               !construct.src.empty();
    if (any) data[name + "_type"] = construct.type;
}

// Reads fixed-width fields of a date, left to right.
class DateReader {
public:
    explicit DateReader(std::string_view text) : text_(text) {}

    bool number(std::size_t width, int& out) {
        if (at_ + width > text_.size()) return false;
        out = 0;
        for (std::size_t end = at_ + width; at_ < end; ++at_) {
            char c = text_[at_];
            if (c < '0' || c > '9') return false;
            out = out * 10 + (c - '0');
        }
        return true;
    }
    bool skip(std::string_view any_of) {
        if (at_ >= text_.size() || any_of.find(text_[at_]) == std::string_view::npos) return false;
        ++at_;
        return true;
    }
    // ".25" -> 0.25; 0 when there is no fraction.
    double fraction() {
        if (at_ >= text_.size() || text_[at_] != '.') return 0;
        double value = 0;
        double scale = 0.1;
        for (++at_; at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9'; ++at_) {
            value += (text_[at_] - '0') * scale;
            scale /= 10;
        }
        return value;
    }
    // "Z" or "+HH:MM" / "-HH:MM", in seconds east of UTC.
    std::optional<int> utc_offset() {
        if (skip("Zz")) return 0;
        if (at_ >= text_.size()) return std::nullopt;
        int sign = text_[at_] == '-' ? -1 : 1;
        int hours = 0;
        int minutes = 0;
        if (!skip("+-") || !number(2, hours) || !skip(":") || !number(2, minutes)) {
            return std::nullopt;
        }
        return sign * (hours * 3600 + minutes * 60);
    }
    bool done() const { return at_ == text_.size(); }

private:
    std::string_view text_;
    std::size_t at_ = 0;
};

// Unix seconds of an RFC 3339 date-time (XEP-0082), e.g. "2008-05-08T18:30:02Z" or
// "2008-05-08T20:30:02.5+02:00"; nullopt for anything else.
std::optional<double> unix_seconds(std::string_view text) {
    DateReader in(text);
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    bool read = in.number(4, year) && in.skip("-") && in.number(2, month) && in.skip("-") &&
                in.number(2, day) && in.skip("Tt ") && in.number(2, hour) && in.skip(":") &&
                in.number(2, minute) && in.skip(":") && in.number(2, second);
    if (!read) return std::nullopt;
    double fraction = in.fraction();
    auto offset = in.utc_offset();
    if (!offset || !in.done()) return std::nullopt;

    using namespace std::chrono;
    year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                        std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    double days = static_cast<double>(sys_days(date).time_since_epoch().count());
    return days * 86400 + hour * 3600 + minute * 60 + second + fraction - *offset;
}

// "published" as given, and "published_ts" as a number, whole seconds when it is
// whole, so that SQL compares and sorts it without parsing dates.
void put_date(json& data, pugi::xml_node entry, const std::string& name) {
    auto element = atom_child(entry, name);
    if (!element) return;
    std::string text = text_of(element);
    if (text.empty()) return;
    data[name] = text;
    auto seconds = unix_seconds(text);
    if (!seconds) return;
    if (std::floor(*seconds) == *seconds) {
        data[name + "_ts"] = static_cast<std::int64_t>(*seconds);
    } else {
        data[name + "_ts"] = *seconds;
    }
}

// The JID of an RFC 5122 URI: "xmpp:romeo@montague.lit" or
// "xmpp://guest@example.com/romeo@montague.lit?message"; "" for other URIs.
std::string jid_of_uri(std::string_view uri) {
    if (!uri.starts_with(kXmppScheme)) return {};
    auto rest = uri.substr(kXmppScheme.size());
    if (rest.starts_with("//")) {
        auto slash = rest.find('/', 2);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    }
    rest = rest.substr(0, rest.find_first_of("?#"));
    return percent_decoded(rest);
}

void put_author(json& data, pugi::xml_node entry) {
    auto author = atom_child(entry, "author");
    if (!author) return;
    json out = json::object();
    for (const char* field : {"name", "uri", "email"}) {
        std::string value = text_of(atom_child(author, field));
        if (!value.empty()) out[field] = value;
    }
    if (out.contains("uri")) {
        std::string jid = jid_of_uri(out["uri"].get<std::string>());
        if (!jid.empty()) out["jid"] = jid;
    }
    if (!out.empty()) data["author"] = out;
}

void put_categories(json& data, pugi::xml_node entry) {
    json terms = json::array();
    for (auto child : entry.children()) {
        if (!is_element(child, kAtomNamespace, "category")) continue;
        std::string term = trimmed(child.attribute("term").as_string());
        if (!term.empty()) terms.push_back(term);
    }
    if (!terms.empty()) data["categories"] = terms;
}

void put_links(json& data, pugi::xml_node entry) {
    json links = json::array();
    for (auto child : entry.children()) {
        if (!is_element(child, kAtomNamespace, "link")) continue;
        std::string href = trimmed(child.attribute("href").as_string());
        if (href.empty()) continue;
        // RFC 4287 4.2.7.2: a link without rel is an alternate version.
        json link = {{"rel", child.attribute("rel").as_string("alternate")}, {"href", href}};
        for (const char* field : {"type", "title"}) {
            if (auto attribute = child.attribute(field)) link[field] = attribute.value();
        }
        links.push_back(link);
    }
    if (!links.empty()) data["links"] = links;
}

// RFC 4685 <thr:in-reply-to ref='...' href='...' type='...'/>: the first one.
void put_in_reply_to(json& data, pugi::xml_node entry) {
    for (auto child : entry.children()) {
        if (!is_element(child, kThreadNamespace, "in-reply-to")) continue;
        json reply = json::object();
        for (const char* field : {"ref", "href", "type"}) {
            if (auto attribute = child.attribute(field)) reply[field] = attribute.value();
        }
        if (reply.empty()) continue;
        data["in_reply_to"] = reply;
        return;
    }
}

// What the full-text index gets: words only, one field a line.
std::string search_text_of(const json& data) {
    std::string out;
    auto add = [&out](const std::string& text) {
        if (text.empty()) return;
        if (!out.empty()) out += '\n';
        out += text;
    };
    if (data.contains("title")) add(data["title"].get<std::string>());
    if (data.contains("content")) add(data["content"].get<std::string>());
    if (data.contains("categories")) {
        std::string terms;
        for (const auto& term : data["categories"])
            terms += (terms.empty() ? "" : " ") + term.get<std::string>();
        add(terms);
    }
    return out;
}

std::string describe(pugi::xml_node element) {
    return "{" + std::string(namespace_of(element)) + "}" + std::string(local_name(element));
}

// The item's Atom entry; throws with what it holds instead.
pugi::xml_node entry_of(pugi::xml_node item) {
    std::string id = item.attribute("id").as_string();
    std::string what = id.empty() ? std::string("item") : "item '" + id + "'";
    pugi::xml_node payload;
    for (auto child : item.children()) {
        if (is_element(child, kAtomNamespace, "entry")) return child;
        if (!payload && child.type() == pugi::node_element) payload = child;
    }
    if (!payload) throw std::invalid_argument(what + " has no payload, expected an Atom entry");
    throw std::invalid_argument(what + " holds " + describe(payload) + ", not an Atom entry ({" +
                                kAtomNamespace + "}entry)");
}

// A post's time for streams: when it was published, else last updated; 0 for neither.
std::int64_t post_time_ms(const json& data) {
    for (const char* field : {"published_ts", "updated_ts"}) {
        auto found = data.find(field);
        if (found != data.end() && found->is_number())
            return static_cast<std::int64_t>(std::llround(found->get<double>() * 1000));
    }
    return 0;
}

}  // namespace

pubsub::ParsedItem parse_atom_item(pugi::xml_node item) {
    auto entry = entry_of(item);
    json data = json::object();
    std::string id = text_of(atom_child(entry, "id"));
    if (!id.empty()) data["id"] = id;
    put_text_construct(data, "title", read_text_construct(entry, "title"));
    put_text_construct(data, "content", read_text_construct(entry, "content"));
    put_author(data, entry);
    put_date(data, entry, "published");
    put_date(data, entry, "updated");
    put_categories(data, entry);
    put_links(data, entry);
    put_in_reply_to(data, entry);
    std::string search_text = search_text_of(data);
    std::int64_t time = post_time_ms(data);
    return {std::move(data), std::move(search_text), time};
}

}  // namespace roost::xep0277

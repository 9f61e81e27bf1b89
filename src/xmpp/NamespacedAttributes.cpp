// SPDX-License-Identifier: MIT
// NamespacedAttributes: libstrophe 0.12 builds stanzas in expat handlers that keep only
// the local name of a namespaced attribute (parser_expat.c: "namespaced attributes
// aren't used in xmpp, discard namespace"): xml:lang='en' arrives as lang='en',
// thr:count as count, and expat has consumed the xmlns:thr declaration. The loss
// happens before any stanza reaches us, so it is mended where it happens: this file
// defines expat's XML_SetElementHandler, to which the dynamic linker binds
// libstrophe's call (an executable's definitions come first), and wraps libstrophe's
// start handler so that it receives every namespaced attribute under its qualified
// name (prefix:local, the prefix from expat's namespace triplets) together with the
// declaration of its prefix, and an element in no namespace with xmlns='' so that it
// does not fall into its parent's. Other users of expat are left as they are.
#include "src/xmpp/NamespacedAttributes.hpp"

#include <dlfcn.h>
#include <expat.h>
#include <strophe.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace roost::xmpp {
namespace {

// libstrophe's separator between namespace, local name and (with triplets) prefix.
constexpr char kSeparator = '\x1F';
constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";

// libstrophe's own handlers: one pair, shared by all its parsers.
std::atomic<XML_StartElementHandler> strophe_start{nullptr};
std::atomic<XML_EndElementHandler> strophe_end{nullptr};

bool is_libstrophes(XML_StartElementHandler handler) {
    Dl_info info;
    return handler != nullptr && dladdr(reinterpret_cast<void*>(handler), &info) != 0 &&
           info.dli_fname != nullptr && std::strstr(info.dli_fname, "libstrophe") != nullptr;
}

// Expat's "namespace<sep>local<sep>prefix"; absent parts are empty.
struct ExpatName {
    std::string_view ns, local, prefix;

    explicit ExpatName(std::string_view name) : local(name) {
        auto first = name.find(kSeparator);
        if (first == std::string_view::npos) return;
        ns = name.substr(0, first);
        local = name.substr(first + 1);
        auto second = local.find(kSeparator);
        if (second == std::string_view::npos) return;
        prefix = local.substr(second + 1);
        local = local.substr(0, second);
    }
    // What libstrophe expects of an element: no prefix part.
    std::string_view without_prefix(std::string_view name) const {
        return prefix.empty() ? name : name.substr(0, ns.size() + 1 + local.size());
    }
};

bool needs_mending(const ExpatName& element, const XML_Char** attributes) {
    if (element.ns.empty() || !element.prefix.empty()) return true;
    for (int i = 0; attributes[i]; i += 2)
        if (std::strchr(attributes[i], kSeparator)) return true;
    return false;
}

// The element's name and attributes as libstrophe must see them to keep them.
class MendedElement {
public:
    MendedElement(const ExpatName& element, std::string_view name, const XML_Char** attributes)
        : name_(element.without_prefix(name)) {
        for (int i = 0; attributes[i]; i += 2) add(attributes[i], attributes[i + 1]);
        if (element.ns.empty()) declare("xmlns", "");
        for (const auto& text : strings_) pointers_.push_back(text.c_str());
        pointers_.push_back(nullptr);
    }
    const XML_Char* name() const { return name_.c_str(); }
    const XML_Char** attributes() { return pointers_.data(); }

private:
    void add(std::string_view name, std::string_view value) {
        ExpatName attribute(name);
        if (attribute.ns.empty()) {
            strings_.emplace_back(name);
            strings_.emplace_back(value);
            return;
        }
        // Expat gives every prefixed name its prefix with triplets on; without one,
        // only the xml namespace has a prefix nobody declares.
        std::string prefix(attribute.prefix);
        if (prefix.empty())
            prefix = attribute.ns == kXmlNamespace ? "xml" : "ns" + std::to_string(strings_.size());
        strings_.push_back(prefix + ":" + std::string(attribute.local));
        strings_.emplace_back(value);
        if (prefix != "xml") declare("xmlns:" + prefix, attribute.ns);
    }
    void declare(const std::string& name, std::string_view value) {
        for (std::size_t i = 0; i < strings_.size(); i += 2)
            if (strings_[i] == name) return;
        strings_.push_back(name);
        strings_.emplace_back(value);
    }

    std::string name_;
    std::vector<std::string> strings_;  // name, value, name, value...
    std::vector<const XML_Char*> pointers_;
};

void start_element(void* user_data, const XML_Char* name, const XML_Char** attributes) {
    ExpatName element(name);
    if (!needs_mending(element, attributes)) {
        strophe_start.load()(user_data, name, attributes);
        return;
    }
    MendedElement mended(element, name, attributes);
    strophe_start.load()(user_data, mended.name(), mended.attributes());
}

void end_element(void* user_data, const XML_Char* name) {
    ExpatName element(name);
    if (element.prefix.empty()) {
        strophe_end.load()(user_data, name);
        return;
    }
    std::string without_prefix(element.without_prefix(name));
    strophe_end.load()(user_data, without_prefix.c_str());
}

}  // namespace

void require_namespaced_attributes(xmpp_ctx_t* ctx) {
    xmpp_stanza_t* probe = xmpp_stanza_new_from_string(
        ctx, "<probe xmlns='urn:roost:probe' xmlns:p='urn:roost:probe:p' xml:lang='en' p:a='1'/>");
    auto has = [probe](const char* name, std::string_view value) {
        const char* found = probe ? xmpp_stanza_get_attribute(probe, name) : nullptr;
        return found != nullptr && value == found;
    };
    bool whole = has("xml:lang", "en") && has("p:a", "1") && has("xmlns:p", "urn:roost:probe:p");
    if (probe) xmpp_stanza_release(probe);
    if (!whole)
        throw std::runtime_error(
            "libstrophe's XML parser drops the namespace of attributes (xml:lang, prefixed "
            "ones) and Roost cannot mend it in this build (libstrophe without expat, or "
            "linked statically); Roost would alter what it caches and publishes");
}

}  // namespace roost::xmpp

// Where libstrophe's parser installs its handlers (and does again at every stream
// restart, after XML_ParserReset): wrap them, with namespace triplets on so that the
// start handler learns each attribute's prefix.
extern "C" void XML_SetElementHandler(XML_Parser parser, XML_StartElementHandler start,
                                      XML_EndElementHandler end) {
    if (roost::xmpp::is_libstrophes(start) && end != nullptr) {
        roost::xmpp::strophe_start = start;
        roost::xmpp::strophe_end = end;
        XML_SetReturnNSTriplet(parser, XML_TRUE);
        start = roost::xmpp::start_element;
        end = roost::xmpp::end_element;
    }
    XML_SetStartElementHandler(parser, start);
    XML_SetEndElementHandler(parser, end);
}

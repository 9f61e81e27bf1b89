// SPDX-License-Identifier: MIT
// Analysers: what a plugin registers with the pubsub cache to say which nodes it
// understands, whether to keep them in sync, and how to turn their items into JSON.
#pragma once

#include "roost/IndexedField.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace roost::pubsub {

// What a parser makes of one item: fields to search on, and the plain text to index.
struct ParsedItem {
    nlohmann::json data;
    std::string search_text;  // plain text only, never markup
    // The item's own time (a post's published date, say) in Unix ms, by which streams
    // merge feeds; 0 when it has none (the cache's time of first store is used then).
    std::int64_t time = 0;
};

// Parses one <item/> element; throws std::exception with a clear message for a
// payload it cannot read (the cache then keeps the raw XML only).
using ItemParser = std::function<ParsedItem(pugi::xml_node item)>;

struct Analyser {
    std::string name;               // unique; registering a name again replaces the analyser
    int priority = 0;               // higher first
    std::string type;               // what the node holds, e.g. "blog"
    std::string subtype;            // e.g. "comment"
    std::string service;            // exact or glob with * and ?; "" = any
    std::string node;               // exact or glob with * and ?; "" = any
    std::string payload_namespace;  // of the first item's payload; "" = any
    bool to_sync = false;           // keep matching nodes in the cache
    ItemParser parser;              // may be empty: raw XML only
    // Fields of the parser's JSON that searches filter on often: the cache indexes
    // them in every node's items (an index costs each write, and bytes: declare few).
    std::vector<IndexedField> indexed_fields;
};

// Offered by the pubsub_cache plugin:
// host.plugin_as<AnalyserRegistry>(kCachePluginName). Reactor thread only.
class AnalyserRegistry {
public:
    virtual ~AnalyserRegistry() = default;
    virtual void add_analyser(Analyser analyser) = 0;
    virtual void remove_analyser(const std::string& name) = 0;
};

inline constexpr const char* kCachePluginName = "pubsub_cache";

// Whether `text` matches `pattern`, where * matches any run of characters (even
// "/" and none) and ? exactly one; every other character stands for itself.
inline bool glob_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0;
    std::size_t t = 0;
    // Where the last * was and what it matched up to: on a mismatch, let it eat
    // one more character and retry. One star to backtrack to is enough.
    std::size_t star = std::string_view::npos;
    std::size_t star_text = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_text = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

namespace detail {

// The first analyser accepted by `accepts` among the highest priority ones;
// ties go to the one registered first.
template <class Accepts>
const Analyser* best_analyser(const std::vector<Analyser>& analysers, Accepts accepts) {
    const Analyser* best = nullptr;
    for (const auto& analyser : analysers) {
        if (!accepts(analyser)) continue;
        if (best == nullptr || analyser.priority > best->priority) best = &analyser;
    }
    return best;
}

}  // namespace detail

// The analyser of a node: first among those whose node pattern matches its name,
// then among those without one whose payload namespace is the first item's, then
// among those that name neither (a whole service). `first_payload_ns` is "" for a
// node without items. Returns nullptr when none fits.
inline const Analyser* match_analyser(const std::vector<Analyser>& analysers,
                                      std::string_view service, std::string_view node,
                                      std::string_view first_payload_ns) {
    auto on_service = [service](const Analyser& analyser) {
        return analyser.service.empty() || glob_match(analyser.service, service);
    };
    auto by_node = [&](const Analyser& analyser) {
        return on_service(analyser) && !analyser.node.empty() && glob_match(analyser.node, node);
    };
    if (const Analyser* found = detail::best_analyser(analysers, by_node)) return found;

    // An analyser that names nodes is for those nodes only, whatever their payload.
    auto by_namespace = [&](const Analyser& analyser) {
        return on_service(analyser) && analyser.node.empty() && !first_payload_ns.empty() &&
               analyser.payload_namespace == first_payload_ns;
    };
    if (const Analyser* found = detail::best_analyser(analysers, by_namespace)) return found;

    auto by_service = [&](const Analyser& analyser) {
        return on_service(analyser) && analyser.node.empty() && analyser.payload_namespace.empty();
    };
    return detail::best_analyser(analysers, by_service);
}

}  // namespace roost::pubsub

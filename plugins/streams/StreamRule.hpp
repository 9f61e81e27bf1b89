// SPDX-License-Identifier: MIT
// StreamRule: what a stream is made of, read from JSON and checked: feed selectors (a
// node, a JID's microblog, a roster group's or every contact's microblogs, every cached
// node of a type) and an optional search query that filters the merged items.
#pragma once

#include "roost/Ipc.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <variant>
#include <vector>

namespace roost::streams {

struct NodeSelector {
    std::string service;  // "" for the profile's own PEP service
    std::string node;
};
struct BlogSelector {
    std::string jid;  // bare
};
struct GroupSelector {
    std::string group;
};
struct ContactsSelector {};
struct TypeSelector {
    std::string type;  // an analyser's type, e.g. "blog"
};
using FeedSelector =
    std::variant<NodeSelector, BlogSelector, GroupSelector, ContactsSelector, TypeSelector>;

struct StreamRule {
    std::vector<FeedSelector> feeds;
    std::string query;  // "" for none

    // {"feeds": [{"node": {"service": .., "node": ..}} | {"blog": JID} | {"group": NAME} |
    //  {"contacts": true} | {"type": TYPE}, ...], "query": TEXT}; throws RpcError
    // (invalid params) saying what is wrong. A stream cannot name a stream: streams are not
    // feeds, so no definition can be circular.
    static StreamRule from_json(const nlohmann::json& rule);
    nlohmann::json to_json() const;
    // Follows the roster or the cache's nodes, not just fixed feeds.
    bool dynamic() const;
};

}  // namespace roost::streams

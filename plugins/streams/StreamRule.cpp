// SPDX-License-Identifier: MIT
#include "StreamRule.hpp"

#include "roost/IpcParams.hpp"
#include "roost/Jid.hpp"

namespace roost::streams {
namespace {

using ipc_params::invalid;
using nlohmann::json;

std::string non_empty_string(const json& value, const std::string& what) {
    if (!value.is_string() || value.get<std::string>().empty())
        throw invalid(what + " must be a non-empty string");
    return value.get<std::string>();
}

FeedSelector selector_from(const json& feed, std::size_t index) {
    std::string where = "feeds[" + std::to_string(index) + "]";
    if (!feed.is_object() || feed.size() != 1)
        throw invalid(where + " must be an object with one selector: node, blog, group, "
                              "contacts or type");
    auto only = feed.begin();
    const std::string kind = only.key();
    const json& value = only.value();
    if (kind == "node") {
        if (!value.is_object()) throw invalid(where + ".node must be {\"service\", \"node\"}");
        std::string service;
        if (value.contains("service") && !value["service"].is_null()) {
            if (!value["service"].is_string())
                throw invalid(where + ".node.service must be a string");
            service = value["service"].get<std::string>();
        }
        if (!service.empty())
            if (auto problem = jid_problem(service))
                throw invalid(where + ".node.service is not a valid JID: " + *problem);
        std::string node = non_empty_string(value.value("node", json()), where + ".node.node");
        return NodeSelector{service, node};
    }
    if (kind == "blog") {
        std::string jid = non_empty_string(value, where + ".blog");
        if (auto problem = jid_problem(jid))
            throw invalid(where + ".blog is not a valid JID: " + *problem);
        if (jid.find('/') != std::string::npos)
            throw invalid(where + ".blog must be a bare JID (no /resource): " + jid);
        return BlogSelector{jid};
    }
    if (kind == "group") return GroupSelector{non_empty_string(value, where + ".group")};
    if (kind == "contacts") {
        if (value != true) throw invalid(where + ".contacts must be true");
        return ContactsSelector{};
    }
    if (kind == "type") return TypeSelector{non_empty_string(value, where + ".type")};
    if (kind == "stream")
        throw invalid(where + ": a stream cannot name a stream (streams are not feeds: name "
                              "its feeds instead)");
    throw invalid(where + ": unknown selector \"" + kind +
                  "\" (node, blog, group, contacts or type)");
}

}  // namespace

StreamRule StreamRule::from_json(const json& rule) {
    if (!rule.is_object()) throw invalid("the rule must be an object: {\"feeds\": [...]}");
    for (const auto& [key, value] : rule.items())
        if (key != "feeds" && key != "query")
            throw invalid("unknown key \"" + key + "\" in the rule (feeds, query)");
    if (!rule.contains("feeds") || !rule["feeds"].is_array() || rule["feeds"].empty())
        throw invalid("the rule needs \"feeds\": a non-empty array of selectors");
    StreamRule parsed;
    for (std::size_t i = 0; i < rule["feeds"].size(); ++i)
        parsed.feeds.push_back(selector_from(rule["feeds"][i], i));
    if (rule.contains("query") && !rule["query"].is_null()) {
        if (!rule["query"].is_string()) throw invalid("\"query\" must be a string");
        parsed.query = rule["query"].get<std::string>();
    }
    return parsed;
}

json StreamRule::to_json() const {
    json rule = {{"feeds", json::array()}};
    json& feeds_json = rule["feeds"];  // built in place: a rule may hold thousands
    for (const auto& feed : feeds) {
        json& selector = feeds_json.emplace_back(json::object());
        if (auto* node = std::get_if<NodeSelector>(&feed)) {
            json& value = selector["node"];
            value["service"] = node->service;
            value["node"] = node->node;
        } else if (auto* blog = std::get_if<BlogSelector>(&feed)) {
            selector["blog"] = blog->jid;
        } else if (auto* group = std::get_if<GroupSelector>(&feed)) {
            selector["group"] = group->group;
        } else if (std::holds_alternative<ContactsSelector>(feed)) {
            selector["contacts"] = true;
        } else {
            selector["type"] = std::get<TypeSelector>(feed).type;
        }
    }
    if (!query.empty()) rule["query"] = query;
    return rule;
}

bool StreamRule::dynamic() const {
    for (const auto& feed : feeds)
        if (!std::holds_alternative<NodeSelector>(feed) &&
            !std::holds_alternative<BlogSelector>(feed))
            return true;
    return false;
}

}  // namespace roost::streams

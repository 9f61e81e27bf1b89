// SPDX-License-Identifier: MIT
// PostParams: the params of blog.post, blog.edit and blog.comments.post, checked and
// sanitised; a bad one is an invalid-params error naming it (roost/IpcParams.hpp).
#pragma once

#include "roost/PubsubWrite.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace roost::xep0277 {

inline constexpr const char* kAccessModels[] = {"open", "presence", "roster", "whitelist"};

// What a post says. Unset fields were not given (an edit keeps the post's own).
struct PostInput {
    std::optional<std::string> id;
    std::optional<std::string> title;
    std::optional<std::string> content;
    std::optional<std::string> content_xhtml;  // sanitised: a <div xmlns=XHTML/>
    std::optional<std::vector<std::string>> tags;
    std::optional<std::string> language;
    std::optional<std::string> access_model;
    std::vector<std::string> groups;  // for access_model "roster"
};

// Reads and checks: `title` and `content` strings (`required` ones present), tags an
// array of non-empty strings, language an RFC 5646 tag, access_model one of
// kAccessModels, groups (non-empty strings) only and always with "roster", id without
// spaces or controls. content_xhtml goes through the sanitiser here, before anything
// is published.
PostInput post_input(const nlohmann::json& params, bool title_required, bool content_required);

// XEP-0060 publish-options (or a node configuration) for the access model:
// pubsub#access_model, and pubsub#roster_groups_allowed for "roster"; {} without one.
pubsub::FormFields access_fields(const PostInput& input);

}  // namespace roost::xep0277

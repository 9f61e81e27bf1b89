// SPDX-License-Identifier: MIT
// PostParams: one check per field, each failing with the field's name.
#include "PostParams.hpp"

#include "XhtmlSanitiser.hpp"
#include "roost/IpcParams.hpp"

#include <algorithm>
#include <stdexcept>

namespace roost::xep0277 {
namespace {

using ipc_params::invalid;
using nlohmann::json;

bool has_control_or_space(const std::string& text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

// RFC 5646 in shape: letters and digits in parts of 1 to 8, joined by '-'.
bool language_tag(const std::string& text) {
    std::size_t part = 0;
    for (char c : text) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (c == '-' && part > 0) {
            part = 0;
            continue;
        }
        if (!alnum || ++part > 8) return false;
    }
    return part > 0;
}

std::optional<std::vector<std::string>> names_param(const json& params, const char* name) {
    if (!params.contains(name) || params[name].is_null()) return std::nullopt;
    if (!params[name].is_array()) throw invalid(std::string("\"") + name + "\" must be an array");
    auto values = ipc_params::strings_param(params, name);
    for (const auto& value : values)
        if (value.empty()) throw invalid(std::string("\"") + name + "\" must not hold \"\"");
    return values;
}

}  // namespace

PostInput post_input(const json& params, bool title_required, bool content_required) {
    using ipc_params::optional_string;
    PostInput in;
    in.id = optional_string(params, "id");
    if (in.id && (in.id->empty() || has_control_or_space(*in.id)))
        throw invalid("\"id\" must be non-empty, without spaces or control characters");
    in.title = optional_string(params, "title");
    if (title_required && !in.title) throw invalid("missing param \"title\"");
    in.content = optional_string(params, "content");
    if (content_required && !in.content) throw invalid("missing param \"content\"");
    if (auto xhtml = optional_string(params, "content_xhtml")) {
        try {
            in.content_xhtml = sanitise_xhtml(*xhtml);
        } catch (const std::invalid_argument& e) {
            throw invalid(std::string("\"content_xhtml\": ") + e.what());
        }
    }
    in.tags = names_param(params, "tags");
    in.language = optional_string(params, "language");
    if (in.language && !in.language->empty() && !language_tag(*in.language))
        throw invalid("\"language\" must be a language tag such as \"en\" or \"pt-BR\", not \"" +
                      *in.language + "\"");
    in.access_model = optional_string(params, "access_model");
    if (in.access_model &&
        std::none_of(std::begin(kAccessModels), std::end(kAccessModels),
                     [&](const char* model) { return *in.access_model == model; }))
        throw invalid("\"access_model\" must be open, presence, roster or whitelist, not \"" +
                      *in.access_model + "\"");
    in.groups = names_param(params, "groups").value_or(std::vector<std::string>{});
    bool roster = in.access_model == "roster";
    if (roster && in.groups.empty())
        throw invalid("access_model \"roster\" needs \"groups\": the roster groups allowed");
    if (!roster && !in.groups.empty())
        throw invalid("\"groups\" only goes with access_model \"roster\"");
    return in;
}

pubsub::FormFields access_fields(const PostInput& input) {
    pubsub::FormFields fields;
    if (!input.access_model) return fields;
    fields["pubsub#access_model"] = {*input.access_model};
    if (!input.groups.empty()) fields["pubsub#roster_groups_allowed"] = input.groups;
    return fields;
}

}  // namespace roost::xep0277

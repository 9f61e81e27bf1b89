// SPDX-License-Identifier: MIT
// ProfileParam: which profile a method acts on. One rule for every plugin and command:
// the profile named, else the only one configured (doc/cli.md).
#pragma once

#include "roost/Ipc.hpp"
#include "roost/IpcParams.hpp"
#include "roost/Xmpp.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace roost::ipc_params {

// The "profile" param: a configured profile, connected or not (a caller that needs the
// connection checks it). Without one, the only configured profile; when there are several,
// guessing could act on the wrong account, so the error lists them instead.
inline std::string profile_param(Xmpp& xmpp, const nlohmann::json& params) {
    std::string profile = string_param(params, "profile");
    std::vector<std::string> profiles = xmpp.profiles();
    if (!profile.empty()) {
        if (std::find(profiles.begin(), profiles.end(), profile) == profiles.end())
            throw RpcError{rpc_error::kNotFound,
                           "no profile named '" + profile + "' (see roost profile list)"};
        return profile;
    }
    if (profiles.size() == 1) return profiles.front();
    if (profiles.empty())
        throw RpcError{rpc_error::kNotFound, "no profile is configured (add one to roost.toml)"};
    std::string names;
    for (const auto& name : profiles) names += (names.empty() ? "" : ", ") + name;
    throw invalid("several profiles are configured (" + names + "): choose one with --profile");
}

}  // namespace roost::ipc_params

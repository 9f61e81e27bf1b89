// SPDX-License-Identifier: MIT
// ItemQueryOptions: the item-query options `roost pubsub get` and `roost pubsub cache get`
// share (--item, --max, --max-items, --before, --after, --index) and their params.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace roost::cli {

// Mirrors pubsub::items_query_param on the daemon side (include/roost/PubsubJson.hpp).
struct ItemQueryOptions {
    std::vector<std::string> items;
    std::optional<int> max, max_items, index;
    std::optional<std::string> before, after;

    // Declares the options on `command`; the help of --max and --max-items differs
    // between the server and the cache.
    void add_to(CLI::App& command, const std::string& max_help, const std::string& max_items_help);

    // Sets the params of the options given, and no others.
    void put_into(nlohmann::json& params) const;
};

}  // namespace roost::cli

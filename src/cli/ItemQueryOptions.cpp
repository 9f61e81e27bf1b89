// SPDX-License-Identifier: MIT
// ItemQueryOptions: shared item-query options of the get commands.
#include "src/cli/ItemQueryOptions.hpp"

namespace roost::cli {

void ItemQueryOptions::add_to(CLI::App& command, const std::string& max_help,
                              const std::string& max_items_help) {
    command.add_option("--item", items, "only this item id (repeatable)");
    command.add_option("--max", max, max_help);
    command.add_option("--max-items", max_items, max_items_help);
    command.add_option("--before", before, "RSM: the page before this id (\"\" for the last page)");
    command.add_option("--after", after, "RSM: the page after this id");
    command.add_option("--index", index, "RSM: the page starting at this index");
}

void ItemQueryOptions::put_into(nlohmann::json& params) const {
    if (!items.empty()) params["items"] = items;
    if (max) params["max"] = *max;
    if (max_items) params["max_items"] = *max_items;
    if (index) params["index"] = *index;
    if (before) params["before"] = *before;
    if (after) params["after"] = *after;
}

}  // namespace roost::cli

// SPDX-License-Identifier: MIT
// Pubsub items over IPC: the params of a get-items request, and the JSON form of a
// page of items as methods answer it:
// {items: [{id, publisher, xml}], rsm: {first, first_index, last, count} | null, from_cache},
// and a failed request as a JSON-RPC error.
#pragma once

#include "roost/IpcParams.hpp"
#include "roost/Pubsub.hpp"

#include <nlohmann/json.hpp>

namespace roost::pubsub {

// Which items a get-items request asks for: items, max_items, max, after, before,
// index, order_by, no_cache. The node it names is the caller's to resolve.
inline GetItemsRequest items_query_param(const nlohmann::json& params) {
    using namespace ipc_params;
    GetItemsRequest request;
    request.item_ids = strings_param(params, "items");
    request.max_items = int_param(params, "max_items");
    RsmRequest rsm;
    rsm.max = int_param(params, "max");
    rsm.after = optional_string(params, "after");
    rsm.before = optional_string(params, "before");
    rsm.index = int_param(params, "index");
    if (rsm.max || rsm.after || rsm.before || rsm.index) request.rsm = rsm;
    if (params.contains("no_cache") && !params["no_cache"].is_boolean())
        throw invalid("\"no_cache\" must be a boolean");
    request.no_cache = params.value("no_cache", false);
    request.order_by = string_param(params, "order_by");
    return request;
}

inline nlohmann::json items_page_json(const ItemsPage& page) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : page.items)
        items.push_back({{"id", item.id}, {"publisher", item.publisher}, {"xml", item.xml}});
    nlohmann::json rsm = nullptr;
    if (page.rsm) {
        rsm = nlohmann::json::object();
        if (page.rsm->first) rsm["first"] = *page.rsm->first;
        if (page.rsm->first_index) rsm["first_index"] = *page.rsm->first_index;
        if (page.rsm->last) rsm["last"] = *page.rsm->last;
        if (page.rsm->count) rsm["count"] = *page.rsm->count;
    }
    return {{"items", items}, {"rsm", rsm}, {"from_cache", page.from_cache}};
}

}  // namespace roost::pubsub

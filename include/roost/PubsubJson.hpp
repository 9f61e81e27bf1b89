// The JSON form of a page of pubsub items, as IPC methods answer it:
// {items: [{id, publisher, xml}], rsm: {first, first_index, last, count} | null, from_cache}.
#pragma once

#include "roost/Pubsub.hpp"

#include <nlohmann/json.hpp>

namespace roost::pubsub {

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

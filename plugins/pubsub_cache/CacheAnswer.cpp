// SPDX-License-Identifier: MIT
// CacheAnswer: GetItemsRequest -> ItemsQuery -> the store's page, mirrored: servers
// list and page items oldest first, the store newest first.
#include "CacheAnswer.hpp"

#include <algorithm>

namespace roost::cache {
namespace {

// How many items the request's ids and max_items leave to page over.
int total_of(pubsub::PubsubStore& store, const pubsub::NodeKey& key, pubsub::ItemsQuery query) {
    query.rsm = pubsub::RsmRequest{};
    query.rsm->max = 0;
    auto answer = store.get_items(key, query);
    return answer.page.rsm && answer.page.rsm->count ? *answer.page.rsm->count : 0;
}

// A bare page size: a server that pages (ejabberd) answers its first page, the oldest
// items; one that does not (Prosody) takes it as max_items, the newest.
bool first_page(const pubsub::RsmRequest& rsm, bool server_pages) {
    return rsm.index || (server_pages && !rsm.before && !rsm.after);
}

// The server's RSM request as the store's.
pubsub::RsmRequest mirrored(const pubsub::RsmRequest& rsm, int total, bool server_pages) {
    pubsub::RsmRequest out;
    out.max = rsm.max;
    if (rsm.before) {
        if (!rsm.before->empty()) out.after = *rsm.before;
    } else if (rsm.after) {
        out.before = *rsm.after;
    } else if (first_page(rsm, server_pages)) {
        int size = rsm.max.value_or(total);
        int end = std::max(total - rsm.index.value_or(0), 0);
        out.index = std::max(end - size, 0);
        out.max = std::min(size, end);
    }
    return out;
}

}  // namespace

bool can_answer(pubsub::PubsubStore& store, const pubsub::NodeKey& key) {
    auto node = store.node_state(key);
    return node && node->sync_state == pubsub::SyncState::Completed;
}

pubsub::ItemsQuery items_query(const pubsub::GetItemsRequest& request) {
    pubsub::ItemsQuery query;
    query.ids = request.item_ids;
    query.max_items = request.max_items;
    // Unless asked otherwise, the server's order: what the server would answer.
    if (request.order_by == "creation") query.order = pubsub::ItemOrder::Creation;
    if (request.order_by == "modification") query.order = pubsub::ItemOrder::Modification;
    return query;
}

bool server_pages(const pubsub::NodeInfo& node) {
    return node.extra.is_object() && node.extra.value(kServerPages, false);
}

pubsub::GetItemsAnswer answer_from_cache(pubsub::PubsubStore& store, const pubsub::NodeKey& key,
                                         const pubsub::GetItemsRequest& request,
                                         bool server_pages) {
    pubsub::ItemsQuery query = items_query(request);
    int total = 0;
    if (request.rsm) {
        total = first_page(*request.rsm, server_pages) ? total_of(store, key, query) : 0;
        query.rsm = mirrored(*request.rsm, total, server_pages);
    }
    pubsub::GetItemsAnswer answer = store.get_items(key, query);
    answer.page.from_cache = true;
    auto& items = answer.page.items;
    std::reverse(items.begin(), items.end());
    if (!answer.page.rsm) return answer;
    auto& rsm = *answer.page.rsm;
    if (items.empty()) return answer;
    rsm.first = items.front().id;
    rsm.last = items.back().id;
    if (rsm.count && rsm.first_index)
        rsm.first_index = *rsm.count - *rsm.first_index - static_cast<int>(items.size());
    return answer;
}

}  // namespace roost::cache

// CacheAnswer: GetItemsRequest -> ItemsQuery -> the store's page, mirrored: servers
// list and page items oldest first, the store newest first.
#include "plugins/pubsub_cache/CacheAnswer.hpp"

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

// The server's RSM request as the store's. A bare page size gets the newest items,
// as both Prosody and ejabberd answer it.
pubsub::RsmRequest mirrored(const pubsub::RsmRequest& rsm, int total) {
    pubsub::RsmRequest out;
    out.max = rsm.max;
    if (rsm.before) {
        if (!rsm.before->empty()) out.after = *rsm.before;
    } else if (rsm.after) {
        out.before = *rsm.after;
    } else if (rsm.index) {
        int size = rsm.max.value_or(total);
        int end = std::max(total - *rsm.index, 0);
        out.index = std::max(end - size, 0);
        out.max = std::min(size, end);
    }
    return out;
}

}  // namespace

pubsub::NodeKey key_of(const pubsub::GetItemsRequest& request) {
    return {request.profile, request.service, request.node};
}

bool can_answer(pubsub::PubsubStore& store, const pubsub::NodeKey& key) {
    auto node = store.node_state(key);
    return node && node->sync_state == pubsub::SyncState::Completed;
}

pubsub::ItemsQuery items_query(const pubsub::GetItemsRequest& request) {
    pubsub::ItemsQuery query;
    query.ids = request.item_ids;
    query.max_items = request.max_items;
    query.order = request.order_by == "modification" ? pubsub::ItemOrder::Modification
                                                     : pubsub::ItemOrder::Creation;
    return query;
}

pubsub::GetItemsAnswer answer_from_cache(pubsub::PubsubStore& store,
                                         const pubsub::GetItemsRequest& request) {
    auto key = key_of(request);
    pubsub::ItemsQuery query = items_query(request);
    int total = 0;
    if (request.rsm) {
        total = request.rsm->index ? total_of(store, key, query) : 0;
        query.rsm = mirrored(*request.rsm, total);
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

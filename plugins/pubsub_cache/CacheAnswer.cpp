// CacheAnswer: GetItemsRequest -> ItemsQuery -> the store's page.
#include "plugins/pubsub_cache/CacheAnswer.hpp"

namespace roost::cache {

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
    query.rsm = request.rsm;
    query.order = request.order_by == "modification" ? pubsub::ItemOrder::Modification
                                                     : pubsub::ItemOrder::Creation;
    return query;
}

pubsub::GetItemsAnswer answer_from_cache(pubsub::PubsubStore& store,
                                         const pubsub::GetItemsRequest& request) {
    pubsub::GetItemsAnswer answer = store.get_items(key_of(request), items_query(request));
    answer.page.from_cache = true;
    return answer;
}

}  // namespace roost::cache

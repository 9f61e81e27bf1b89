// CacheAnswer: a get-items request answered from SQLite, the way the server would
// have answered it (ids, max_items, RSM paging, order).
#pragma once

#include "roost/Pubsub.hpp"
#include "roost/PubsubStore.hpp"

namespace roost::cache {

pubsub::NodeKey key_of(const pubsub::GetItemsRequest& request);

// Whether the cache holds the whole node: only a completed sync does.
bool can_answer(pubsub::PubsubStore& store, const pubsub::NodeKey& key);

// The store's query for `request`: the same ids, max_items, RSM and order.
pubsub::ItemsQuery items_query(const pubsub::GetItemsRequest& request);

// The answer, with from_cache set; an RSM anchor the node lacks is item-not-found.
pubsub::GetItemsAnswer answer_from_cache(pubsub::PubsubStore& store,
                                         const pubsub::GetItemsRequest& request);

}  // namespace roost::cache

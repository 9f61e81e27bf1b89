// SPDX-License-Identifier: MIT
// CacheAnswer: a get-items request answered from SQLite, the way the server would
// have answered it (ids, max_items, RSM paging, order).
#pragma once

#include "roost/Pubsub.hpp"
#include "roost/PubsubStore.hpp"

namespace roost::cache {

// Whether the cache holds the whole node: only a completed sync does.
bool can_answer(pubsub::PubsubStore& store, const pubsub::NodeKey& key);

// The store's query for `request`: the same ids, max_items, RSM and order.
pubsub::ItemsQuery items_query(const pubsub::GetItemsRequest& request);

// In a node's extra: whether its server pages items with RSM, as the sync found.
inline constexpr const char* kServerPages = "server_pages";
bool server_pages(const pubsub::NodeInfo& node);

// The answer from node `key`, with from_cache set; an RSM anchor the node lacks is
// item-not-found. RSM keys are item ids (XEP-0059 keys are opaque: ejabberd's are
// times). `server_pages` decides what a bare page size means, as on the server.
pubsub::GetItemsAnswer answer_from_cache(pubsub::PubsubStore& store, const pubsub::NodeKey& key,
                                         const pubsub::GetItemsRequest& request, bool server_pages);

}  // namespace roost::cache

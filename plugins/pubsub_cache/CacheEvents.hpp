// SPDX-License-Identifier: MIT
// CacheEvents: pubsub#event notifications applied to a cached node: published items
// stored (parsed again), retracted ones deleted, a purge emptying it, a delete dropping it.
#pragma once

#include "Analysers.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubStore.hpp"

#include <string>
#include <vector>

namespace roost::cache {

// Idempotent: servers resend the last item on presence, and storing it again
// changes nothing, even when the notification adds a publisher attribute to the
// <item/> that the server's answers lack (Prosody). `max_items` > 0 trims the node
// to that many items.
void apply_published(pubsub::PubsubStore& store, const Analysers& analysers,
                     const pubsub::NodeKey& key, const std::vector<pubsub::Item>& items,
                     int max_items);
void apply_retracted(pubsub::PubsubStore& store, const pubsub::NodeKey& key,
                     const std::vector<std::string>& ids);
// The node stays cached and complete: it just has no items any more.
void apply_purged(pubsub::PubsubStore& store, const pubsub::NodeKey& key);
void apply_deleted(pubsub::PubsubStore& store, const pubsub::NodeKey& key);

}  // namespace roost::cache

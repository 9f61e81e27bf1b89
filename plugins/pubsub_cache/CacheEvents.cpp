// CacheEvents: each event kind as store calls.
#include "plugins/pubsub_cache/CacheEvents.hpp"

namespace roost::cache {

void apply_published(pubsub::PubsubStore& store, const Analysers& analysers,
                     const pubsub::NodeKey& key, const std::vector<pubsub::Item>& items,
                     int max_items) {
    auto node = store.node_state(key);
    std::optional<pubsub::Analyser> analyser;
    if (node && !node->analyser.empty()) analyser = analysers.by_name(node->analyser);
    std::vector<pubsub::StoredItem> stored;
    for (const auto& item : items)
        stored.push_back(stored_item(item, analyser ? &*analyser : nullptr));
    store.upsert_items(key, stored);
    if (max_items > 0) store.trim_to_max_items(key, max_items);
}

void apply_retracted(pubsub::PubsubStore& store, const pubsub::NodeKey& key,
                     const std::vector<std::string>& ids) {
    store.delete_items(key, ids);
}

void apply_purged(pubsub::PubsubStore& store, const pubsub::NodeKey& key) {
    store.purge_items(key);
}

void apply_deleted(pubsub::PubsubStore& store, const pubsub::NodeKey& key) { store.drop_node(key); }

}  // namespace roost::cache

// SPDX-License-Identifier: MIT
// CacheEvents: each event kind as store calls.
#include "CacheEvents.hpp"

#include "roost/Xml.hpp"

#include <pugixml.hpp>

#include <map>

namespace roost::cache {
namespace {

// The <item/> without its publisher attribute, as one line; "" when not XML.
std::string without_publisher(const std::string& item_xml) {
    pugi::xml_document document;
    if (!load_xml(document, item_xml)) return {};
    document.document_element().remove_attribute("publisher");
    return to_xml(document.document_element());
}

// Prosody puts the publisher on the <item/> of its notifications, not on those of its
// answers: a notification of an item the cache holds (resent on presence, or fetched
// by the sync) that differs only by that attribute is the same item, and storing it
// again would move its update time and make reads differ from the server's answers.
std::vector<pubsub::Item> changed_items(pubsub::PubsubStore& store, const pubsub::NodeKey& key,
                                        const std::vector<pubsub::Item>& items) {
    pubsub::ItemsQuery query;
    for (const auto& item : items) query.ids.push_back(item.id);
    std::map<std::string, std::string> stored;
    for (auto& item : store.get_items(key, query).page.items)
        stored[item.id] = without_publisher(item.xml);
    std::vector<pubsub::Item> changed;
    for (const auto& item : items) {
        auto found = stored.find(item.id);
        if (found == stored.end() || found->second.empty() ||
            found->second != without_publisher(item.xml))
            changed.push_back(item);
    }
    return changed;
}

}  // namespace

void apply_published(pubsub::PubsubStore& store, const Analysers& analysers,
                     const pubsub::NodeKey& key, const std::vector<pubsub::Item>& items,
                     int max_items) {
    auto node = store.node_state(key);
    std::optional<pubsub::Analyser> analyser;
    if (node && !node->analyser.empty()) analyser = analysers.by_name(node->analyser);
    std::vector<pubsub::StoredItem> stored;
    for (const auto& item : changed_items(store, key, items))
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

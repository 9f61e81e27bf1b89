// SPDX-License-Identifier: MIT
// CachePlugin: the pubsub_cache plugin: the analyser registry, the pubsub.get_items
// hook that answers from the cache or starts a sync, events, reconnects and retries.
#pragma once

#include "Analysers.hpp"
#include "ItemSizeLimit.hpp"
#include "NodeSync.hpp"
#include "RepublishOrder.hpp"
#include "TurnBatch.hpp"
#include "roost/Analyser.hpp"
#include "roost/Host.hpp"
#include "roost/NodeConfiguration.hpp"
#include "roost/Plugin.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubCache.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace roost::cache {

// Runs the cache's handlers before any other plugin's.
inline constexpr int kGetItemsPriority = 1000;

// Reactor thread only.
class CachePlugin final : public Plugin,
                          public pubsub::AnalyserRegistry,
                          public pubsub::CacheSyncApi {
public:
    void start(Host& host) override;
    void stop() override;

    // pubsub::AnalyserRegistry
    // Its indexed fields are indexed before it is added: a bad path throws to its plugin.
    void add_analyser(pubsub::Analyser analyser) override {
        store().index_fields(analyser.indexed_fields);
        analysers_.add(std::move(analyser));
    }
    void remove_analyser(const std::string& name) override { analysers_.remove(name); }

    // pubsub::CacheSyncApi: sync(), not explicit (analysers decide).
    void sync_node(const pubsub::NodeKey& key,
                   std::function<void(const pubsub::CacheSyncResult&)> done) override;
    std::uint64_t on_items_changed(ItemsChangeHandler handler) override;
    void remove_items_handler(std::uint64_t id) override { items_handlers_.erase(id); }

    // Syncs `key` now (or joins the running sync) and calls `done` at its end. An
    // explicit sync caches the node even when no analyser asks for it; a node the
    // cache holds with no analyser was synced so, and every sync of it is explicit.
    void sync(const pubsub::NodeKey& key, bool explicit_sync, SyncDone done = {});
    // Forgets running syncs and pending retries of a profile ("" for all).
    void forget_syncs(const std::string& profile);
    // Ends the running syncs of the nodes `matches` accepts before they store more:
    // their waiters hear `reason` and the nodes are left unsynced (a read resyncs them).
    void abandon_syncs(const std::function<bool(const pubsub::NodeKey&)>& matches,
                       const std::string& reason);
    bool syncing(const pubsub::NodeKey& key) const { return syncs_.contains(key); }
    // The cache's key of a node: a service that names the profile's own bare JID
    // (as its PEP events say) is its own PEP service "" (as requests and syncs say).
    pubsub::NodeKey node_key(const std::string& profile, const std::string& service,
                             const std::string& node);

    Host& host() { return *host_; }
    pubsub::PubsubStore& store() { return host_->pubsub_store(); }
    int max_items_per_node() const { return max_items_per_node_; }

private:
    struct Retry {
        TimerId timer = 0;
        std::chrono::milliseconds delay{0};
    };

    TriggerDecision on_get_items(pubsub::GetItemsContext& context);
    void watch_first_answer(pubsub::GetItemsContext& context);
    // Syncs the node from the answer to the read of `context` (one fetch for both).
    void sync_from_answer(pubsub::GetItemsContext& context, const pubsub::NodeKey& key,
                          std::optional<pubsub::Analyser> analyser);
    // The sync of `key`: the running one, or a new one (see NodeSync::start for `fetch`).
    std::shared_ptr<NodeSync> start_sync(const pubsub::NodeKey& key,
                                         std::optional<pubsub::Analyser> analyser,
                                         bool explicit_sync, SyncDone done, bool fetch = true);
    void on_sync_done(const pubsub::NodeKey& key, const SyncOutcome& outcome);
    void schedule_retry(const pubsub::NodeKey& key);
    // After a sync that got through: the pending retry goes, the next failure starts
    // the backoff again.
    void forget_retry(const pubsub::NodeKey& key);
    // Keeps the node's pubsub#max_items (when the server shows it) for events to apply.
    void read_max_items(const pubsub::NodeKey& key);
    // How many items the node may keep: its max_items and our own cap; 0 for no limit.
    int items_to_keep(const pubsub::NodeKey& key);
    void on_connected(const XmppClient& client);
    // Runs `event` now (in this turn's batch), after the node's running sync, or not at
    // all for a node the cache does not hold.
    void on_event(const pubsub::NodeKey& key, CacheEvent event);
    // Runs an event's writes; one that fails syncs the node again.
    void apply_event(const pubsub::NodeKey& key, const CacheEvent& event);
    void add_event_handlers();
    void tell_items_changed(const pubsub::CachedItemsChange& change);
    void leave_out(const pubsub::NodeKey& key, const ItemSizeLimit& limit,
                   pubsub::CachedItemsChange& change);

    Host* host_ = nullptr;
    pubsub::PubsubApi* api_ = nullptr;
    pubsub::NodeConfigurationApi* configuration_api_ = nullptr;  // may be missing
    Analysers analysers_;
    std::unique_ptr<RepublishOrder> republish_order_;
    std::optional<TurnBatch> turn_batch_;
    int max_items_per_node_ = 0;
    std::size_t max_item_bytes_ = kDefaultMaxItemBytes;
    std::chrono::milliseconds first_retry_{std::chrono::seconds(5)};
    std::map<pubsub::NodeKey, std::shared_ptr<NodeSync>> syncs_;
    std::map<pubsub::NodeKey, Retry> retries_;
    std::vector<TriggerId> triggers_;
    std::map<std::uint64_t, ItemsChangeHandler> items_handlers_;
    std::uint64_t next_items_handler_ = 1;
    XmppHandlerId connection_handler_ = 0;
    // Replies wrapped by the get-items hook may run after stop(): they check this.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace roost::cache

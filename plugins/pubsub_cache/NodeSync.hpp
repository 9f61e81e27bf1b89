// NodeSync: one sync of one node: subscribe, fetch every item, parse and store them
// in batches, record the outcome; events that arrive meanwhile wait in its queue.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "plugins/pubsub_cache/Analysers.hpp"
#include "roost/Host.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubStore.hpp"

namespace roost::cache {

struct NodeKeyLess {
    bool operator()(const pubsub::NodeKey& a, const pubsub::NodeKey& b) const {
        return std::tie(a.profile, a.service, a.node) < std::tie(b.profile, b.service, b.node);
    }
};

struct SyncOutcome {
    std::optional<pubsub::SyncState> state;  // unset: the node is gone or not to be cached
    std::string reason;
    int items = 0;  // stored by this sync
};

using SyncDone = std::function<void(const SyncOutcome&)>;

// What the sync needs from the daemon; outlives every sync (the plugin owns both).
struct SyncServices {
    Host& host;
    pubsub::PubsubApi& api;
    const Analysers& analysers;
    int max_items_per_node = 0;  // 0: no cap
};

inline constexpr const char* kProgressTopic = "pubsub.cache.progress";

// Reactor thread only. Owned through a shared_ptr so that answers arriving after
// the plugin dropped it find nothing to do.
class NodeSync : public std::enable_shared_from_this<NodeSync> {
  public:
    // `analyser` unset: decided from the first item's payload. `explicit_sync`
    // caches the node even when no analyser wants it (raw XML only).
    NodeSync(SyncServices services, pubsub::NodeKey key, std::optional<pubsub::Analyser> analyser,
             bool explicit_sync);

    void start(SyncDone done);
    const pubsub::NodeKey& key() const { return key_; }
    // Work to run once the sync ended, in the order given (events of this node).
    void defer(std::function<void()> work) { deferred_.push_back(std::move(work)); }
    std::vector<std::function<void()>> take_deferred() { return std::move(deferred_); }
    void add_waiter(SyncDone waiter) { waiters_.push_back(std::move(waiter)); }
    std::vector<SyncDone> take_waiters() { return std::move(waiters_); }

  private:
    void fetch();
    void store(const pubsub::ItemsPage& page);
    void finish(SyncOutcome outcome);
    void notify_progress(int fetched, int total);

    SyncServices services_;
    pubsub::NodeKey key_;
    std::optional<pubsub::Analyser> analyser_;
    bool explicit_sync_;
    bool subscribed_ = false;
    SyncDone done_;
    std::vector<std::function<void()>> deferred_;
    std::vector<SyncDone> waiters_;
};

std::int64_t now_ms();

}  // namespace roost::cache

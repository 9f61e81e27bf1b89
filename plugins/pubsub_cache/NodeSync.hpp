// SPDX-License-Identifier: MIT
// NodeSync: one sync of one node: subscribe, fetch its items page by page (newest page
// first), store each page in its own transaction, record the outcome; events that
// arrive meanwhile wait in its queue.
#pragma once

#include "Analysers.hpp"
#include "ItemSizeLimit.hpp"
#include "TurnBatch.hpp"
#include "roost/Host.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubCache.hpp"
#include "roost/PubsubStore.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace roost::cache {

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
    int max_items_per_node = 0;                         // 0: no cap
    std::size_t max_item_bytes = kDefaultMaxItemBytes;  // 0: no limit
};

// {profile, service, node, fetched, total}: after each stored page; total is null
// while the server has not said how many items the node holds.
inline constexpr const char* kProgressTopic = "pubsub.cache.progress";

inline constexpr int kSyncPageSize = pubsub::kWholeNodePageSize;

// Reactor thread only. Owned through a shared_ptr so that answers arriving after
// the plugin dropped it find nothing to do.
class NodeSync : public std::enable_shared_from_this<NodeSync> {
public:
    // `analyser` unset: decided from the first item's payload. `explicit_sync`
    // caches the node even when no analyser wants it (raw XML only).
    NodeSync(SyncServices services, pubsub::NodeKey key, std::optional<pubsub::Analyser> analyser,
             bool explicit_sync);

    // Subscribes, then fetches the node. Without `fetch`, the node's items are the
    // answer to a whole-node read already on its way, passed to take_answer(): one
    // fetch serves the read and the sync (the subscription leaves first all the same).
    void start(SyncDone done, bool fetch = true);
    void take_answer(const pubsub::GetItemsAnswer& answer);
    const pubsub::NodeKey& key() const { return key_; }
    // Events of this node to write once the sync ended, in the order given.
    void defer(CacheEvent event) { deferred_.push_back(std::move(event)); }
    std::vector<CacheEvent> take_deferred() { return std::move(deferred_); }
    void add_waiter(SyncDone waiter) { waiters_.push_back(std::move(waiter)); }
    std::vector<SyncDone> take_waiters() { return std::move(waiters_); }
    // Once it ended whole: what it found new, edited or gone (for the cache to tell).
    const pubsub::CachedItemsChange& change() const { return change_; }

private:
    // Items of one page to store, oldest first, with the creation times they get.
    struct PageToStore {
        std::vector<pubsub::Item> items;
        std::vector<std::int64_t> created;
    };

    // `before` set: the RSM page before that ("" for the last page); unset: one
    // request for every item, for servers that do not page.
    void request(std::optional<std::string> before);
    void receive(pubsub::GetItemsAnswer answer, bool paged);
    void fail(const XmppError& error, bool paged);
    // Whether the analyser is known (or the sync explicit); drops the node otherwise.
    bool wanted(const pubsub::ItemsPage& first_page);
    // The oldest items of `page` past the cap go; the rest get their creation times and
    // their places in order_.
    PageToStore take(pubsub::ItemsPage& page);
    bool older_items_remain(const pubsub::ItemsPage& page) const;
    // In parts of at most kSyncPageSize items (one part, maybe empty, at least).
    static std::vector<PageToStore> split(PageToStore all);
    void store_later(PageToStore page, bool last);
    void store(const PageToStore& page);
    void complete();
    void finish(SyncOutcome outcome);
    void notify_progress();
    int room() const;  // items the cap still lets in

    SyncServices services_;
    pubsub::NodeKey key_;
    std::optional<pubsub::Analyser> analyser_;
    bool explicit_sync_;
    bool fetch_ = true;
    bool subscription_answered_ = false;
    std::optional<pubsub::GetItemsAnswer> early_answer_;  // came before the subscription's
    bool subscribed_ = false;
    std::string subscribe_error_;  // why not, for the log once items are cached
    std::int64_t started_ms_ = 0;
    int pages_ = 0;                          // answers received
    int requests_ = 0;                       // sent by this sync
    int asked_max_ = 0;                      // the page size of the request in flight
    int received_ = 0;                       // items the server sent
    int held_ = 0;                           // of those, kept (within the cap)
    int stored_ = 0;                         // of those, in the store
    std::optional<int> count_;               // the node's size, as the server last said
    std::optional<std::string> last_first_;  // RSM first of the latest page
    std::optional<int> total_;               // items this sync will hold, once known
    bool capped_ = false;                    // the cap left items out
    ItemSizeLimit size_limit_;               // what it left out as too large
    bool finished_ = false;
    // The ids kept, in the server's order (oldest first): the node's order at the end.
    std::vector<std::string> order_;
    pubsub::CachedItemsChange change_;  // ids gathered only when the cache held the node
    SyncDone done_;
    std::vector<CacheEvent> deferred_;
    std::vector<SyncDone> waiters_;
};

std::int64_t now_ms();

}  // namespace roost::cache

// SPDX-License-Identifier: MIT
// PubsubStore: the pubsub cache's storage as plugins see it (host.pubsub_store()):
// nodes and their sync state, items with raw XML and parsed JSON, paged reads, search.
#pragma once

#include "roost/IndexedField.hpp"
#include "roost/Pubsub.hpp"

#include <nlohmann/json.hpp>

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace roost::pubsub {

// A node as one profile sees it: two profiles caching the same node never share rows.
struct NodeKey {
    std::string profile;
    std::string service;  // "" for the account's own PEP service
    std::string node;

    auto operator<=>(const NodeKey&) const = default;
};

enum class SyncState { InProgress, Completed, Partial, Error };

// Whether the node's last sync left it held and kept current by events: whole
// (completed) or cut by a limit (partial).
inline bool held_by_sync(std::optional<SyncState> state) {
    return state == SyncState::Completed || state == SyncState::Partial;
}

inline std::string_view to_string(SyncState state) {
    switch (state) {
        case SyncState::InProgress: return "in_progress";
        case SyncState::Completed: return "completed";
        case SyncState::Partial: return "partial";
        case SyncState::Error: return "error";
    }
    return "error";
}

inline std::optional<SyncState> sync_state_from(std::string_view text) {
    for (auto state :
         {SyncState::InProgress, SyncState::Completed, SyncState::Partial, SyncState::Error}) {
        if (to_string(state) == text) return state;
    }
    return std::nullopt;
}

struct NodeInfo {
    std::int64_t id = 0;
    NodeKey key;
    std::string analyser;  // "" when none matched
    std::string type;
    std::string subtype;
    std::optional<SyncState> sync_state;  // unset: never synced, or its items were purged
    std::string sync_reason;
    std::optional<std::int64_t> sync_updated_at;  // Unix milliseconds
    bool subscribed = false;
    nlohmann::json extra;  // null when none
};

// list_nodes(): unset fields do not filter.
struct NodeFilter {
    std::string profile;
    std::optional<std::string> service;
    std::optional<std::string> type;
    std::optional<std::string> analyser;
    std::optional<SyncState> sync_state;
    std::optional<bool> subscribed;
};

// One item as stored. Times are Unix milliseconds; 0 means "now" on upsert.
struct StoredItem {
    std::string id;
    std::string xml;  // the whole <item/> element, returned as is by reads
    std::string publisher;
    nlohmann::json parsed;     // what the analyser's parser made of it; null when nothing
    std::string parse_error;   // why the parser failed, "" when it did not
    std::string search_text;   // the text full-text search sees (never markup); "" for none
    std::int64_t created = 0;  // kept from the first store of the item
    std::int64_t updated = 0;  // 0: `created` for a new item, now for a changed one
    std::int64_t time = 0;     // the item's own (ParsedItem::time); 0: `created`
};

struct UpsertResult {
    // Ids of the new items and of those whose content differs from the stored one, in no
    // particular order (an id the items held twice may come twice).
    std::vector<std::string> changed;
    int unchanged = 0;  // stored again as they were: nothing touched
};

// Server: the node's order as its server gives it (each item's place, kept by syncs
// and events); Creation and Modification: by the item's times in the cache.
enum class ItemOrder { Server, Creation, Modification };

// get_items(): XEP-0060 ids and max_items, then XEP-0059 paging over the result,
// newest first. No limit unless max_items or rsm->max says so.
struct ItemsQuery {
    std::vector<std::string> ids;  // when set, only these
    std::optional<int> max_items;  // the max_items most recent items
    std::optional<RsmRequest> rsm;
    ItemOrder order = ItemOrder::Server;
};

// merged_items(): the items of several nodes of one profile as one feed, newest first
// by item time (StoredItem::time), ties broken by a stable row order; keyset-paged.
struct MergedCursor {
    std::int64_t time = 0;
    std::int64_t row = 0;
    bool operator==(const MergedCursor&) const = default;
};

struct MergedQuery {
    std::string profile;
    std::vector<NodeKey> nodes;  // of that profile; nodes the cache lacks are skipped
    int limit = 20;
    std::optional<MergedCursor> after;  // the items after (older than) this one
    std::vector<std::string> ids;       // when set, only items with these ids
    std::string text;  // when set, only items whose text has every word (as SearchQuery)
};

struct MergedItem {
    NodeKey node;
    std::string id;
    std::string xml;
    nlohmann::json parsed;  // null when nothing
    std::string publisher;
    std::int64_t time = 0;
    MergedCursor cursor;  // where the next page starts when this is the last one
};

struct MergedPage {
    std::vector<MergedItem> items;
    bool more = false;  // older items remain
};

// Which profiles a maintenance call or a search touches: one, or all when asked for.
struct ProfileScope {
    std::string profile;
    bool all_profiles = false;

    static ProfileScope only(std::string name) { return {std::move(name), false}; }
    static ProfileScope all() { return {"", true}; }
};

// purge(): removes the matching items and marks their nodes as no longer synced
// (a node that lost items cannot answer from the cache). Unset fields do not filter.
struct PurgeFilter {
    ProfileScope scope;
    std::optional<std::string> service;
    std::optional<std::string> node;
    std::optional<std::string> type;
    std::optional<std::int64_t> updated_before;  // Unix ms: only items older than this
};

struct PurgeResult {
    std::int64_t items = 0;
    std::int64_t nodes = 0;  // nodes that lost items
};

struct StatsEntry {
    std::int64_t nodes = 0;
    std::int64_t items = 0;
    std::int64_t bytes = 0;  // raw XML + parsed JSON + search text
};

struct CacheStats {
    StatsEntry total;
    std::map<std::string, StatsEntry> by_type;        // "" for nodes without a type
    std::map<std::string, StatsEntry> by_sync_state;  // "none" for never synced
};

// Search over parsed JSON fields and full-text (doc/search.md).
enum class SearchOp { Eq, Ne, Gt, Ge, Lt, Le, Contains, In };

inline std::string_view to_string(SearchOp op) {
    switch (op) {
        case SearchOp::Eq: return "==";
        case SearchOp::Ne: return "!=";
        case SearchOp::Gt: return ">";
        case SearchOp::Ge: return ">=";
        case SearchOp::Lt: return "<";
        case SearchOp::Le: return "<=";
        case SearchOp::Contains: return "contains";
        case SearchOp::In: return "in";
    }
    return "==";
}

// `path` names a field of the parsed JSON: "title", "author.name", "tags[0]".
// An item without the field (or without parsed data) never matches the condition.
struct FieldCondition {
    std::string path;
    SearchOp op = SearchOp::Eq;
    nlohmann::json value;  // numbers compare as numbers, strings as strings; an array for In
};

struct SearchOrder {
    std::string field = "updated";  // "created", "updated", or a field path
    bool descending = true;
};

struct SearchQuery {
    static constexpr int kDefaultLimit = 50;
    static constexpr int kMaxLimit = 1000;

    ProfileScope scope;
    std::optional<std::string> service;
    std::optional<std::string> node;
    std::optional<std::string> type;
    std::string text;  // full-text: every word must appear; FTS syntax has no effect
    std::vector<FieldCondition> conditions;  // all must hold
    SearchOrder order;
    int limit = kDefaultLimit;
    int offset = 0;
};

// A query that cannot run, in one line that names the bad part.
struct SearchError {
    std::string message;
};

struct SearchHit {
    NodeKey key;
    std::string type;
    StoredItem item;
};

struct SearchResult {
    std::vector<SearchHit> hits;
    bool more = false;  // further hits past offset + limit
    std::optional<SearchError> error;
    bool ok() const { return !error; }
};

// A search typed as text (doc/search.md), or why it does not parse.
struct ParsedSearch {
    std::optional<SearchQuery> query;
    std::optional<SearchError> error;
    bool ok() const { return query.has_value(); }
};

// Every write is one transaction, or a part of a batch that stays all or nothing on its
// own. Node and profile rows are created on first write; reads of unknown nodes find
// nothing. Reactor thread only.
class PubsubStore {
public:
    virtual ~PubsubStore() = default;

    // Nodes.
    virtual std::optional<NodeInfo> node_state(const NodeKey& key) = 0;
    virtual std::vector<NodeInfo> list_nodes(const NodeFilter& filter) = 0;
    virtual void set_node(const NodeKey& key, const std::string& analyser, const std::string& type,
                          const std::string& subtype) = 0;
    // Also stamps sync_updated_at; nullopt forgets the state.
    virtual void set_sync_state(const NodeKey& key, std::optional<SyncState> state,
                                const std::string& reason = "") = 0;
    virtual void set_subscribed(const NodeKey& key, bool subscribed) = 0;
    virtual void set_extra(const NodeKey& key, const nlohmann::json& extra) = 0;
    // Drops the node and its items; false when it was not cached.
    virtual bool drop_node(const NodeKey& key) = 0;

    // Until the matching end_batch(), every write (of any store of the daemon's) goes
    // into one transaction with a single commit; reads see the writes at once, other
    // processes at end_batch(). Nests. end_batch() throws when the batch was not
    // committed whole (its commit failed, or a failed write made SQLite undo it).
    virtual void begin_batch() = 0;
    virtual void end_batch() = 0;

    // Items. Storing an item again keeps its creation time and its place in the node,
    // and only moves its update time when its content changed. A new item goes after
    // the node's last, in the order given.
    virtual UpsertResult upsert_items(const NodeKey& key, std::span<const StoredItem> items) = 0;
    // The node's order as the server gave it, oldest first: the stored items get their
    // places from it (an id listed twice takes its first place; ids not stored are
    // ignored; stored ids not listed keep theirs). One statement.
    virtual void set_server_order(const NodeKey& key, std::span<const std::string> ids) = 0;
    // Moves these items after the node's last, in the order given, as a server that
    // puts republished items at the end does; returns how many moved (the last stays).
    virtual int move_to_end(const NodeKey& key, std::span<const std::string> ids) = 0;
    virtual int delete_items(const NodeKey& key, std::span<const std::string> ids) = 0;
    virtual int purge_items(const NodeKey& key) = 0;
    // Keeps the node's last `max_items` items in the server's order (servers drop the
    // first ones past pubsub#max_items); returns how many went.
    virtual int trim_to_max_items(const NodeKey& key, int max_items) = 0;
    virtual std::vector<std::string> item_ids(const NodeKey& key) = 0;  // server's order

    // The stored XML, paged as XEP-0059 says; an `after`/`before` id the node does not
    // hold gives the error a server would (item-not-found).
    virtual GetItemsAnswer get_items(const NodeKey& key, const ItemsQuery& query) = 0;
    virtual MergedPage merged_items(const MergedQuery& query) = 0;

    // Maintenance.
    virtual PurgeResult purge(const PurgeFilter& filter) = 0;
    virtual void reset() = 0;  // drops every cached node and item of every profile
    virtual CacheStats stats(const ProfileScope& scope) = 0;

    // Search.
    // Indexes these fields of the items' parsed JSON, in every node; an index is built
    // once (on a large cache that reads every item: seconds) and kept from then on.
    // Throws std::invalid_argument for a path a search cannot name, or one field past
    // kMaxIndexedFields.
    virtual void index_fields(std::span<const IndexedField> fields) = 0;
    virtual SearchResult search(const SearchQuery& query) = 0;
    virtual ParsedSearch parse_search(std::string_view text) = 0;
};

}  // namespace roost::pubsub

// SPDX-License-Identifier: MIT
// SqlitePubsubStore: the pubsub cache's PubsubStore over the user's SQLite database
// (tables pubsub_nodes, pubsub_items, pubsub_items_fts of migrations/).
#pragma once

#include "roost/PubsubStore.hpp"
#include "src/storage/BoundSql.hpp"
#include "src/storage/Database.hpp"
#include "src/storage/FieldIndexes.hpp"
#include "src/storage/StatementCache.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace roost::storage {

// Prepared statements are kept and reused for the store's lifetime, so it must go
// before the Database it was given. Reactor thread only.
class SqlitePubsubStore final : public pubsub::PubsubStore {
public:
    explicit SqlitePubsubStore(Database& db);

    std::optional<pubsub::NodeInfo> node_state(const pubsub::NodeKey& key) override;
    std::vector<pubsub::NodeInfo> list_nodes(const pubsub::NodeFilter& filter) override;
    void set_node(const pubsub::NodeKey& key, const std::string& analyser, const std::string& type,
                  const std::string& subtype) override;
    void set_sync_state(const pubsub::NodeKey& key, std::optional<pubsub::SyncState> state,
                        const std::string& reason = "") override;
    void set_subscribed(const pubsub::NodeKey& key, bool subscribed) override;
    void set_extra(const pubsub::NodeKey& key, const nlohmann::json& extra) override;
    bool drop_node(const pubsub::NodeKey& key) override;
    void begin_batch() override { db_.begin_batch(); }
    void end_batch() override { db_.end_batch(); }

    pubsub::UpsertResult upsert_items(const pubsub::NodeKey& key,
                                      std::span<const pubsub::StoredItem> items) override;
    void set_server_order(const pubsub::NodeKey& key, std::span<const std::string> ids) override;
    int move_to_end(const pubsub::NodeKey& key, std::span<const std::string> ids) override;
    int delete_items(const pubsub::NodeKey& key, std::span<const std::string> ids) override;
    int purge_items(const pubsub::NodeKey& key) override;
    int trim_to_max_items(const pubsub::NodeKey& key, int max_items) override;
    std::vector<std::string> item_ids(const pubsub::NodeKey& key) override;

    pubsub::GetItemsAnswer get_items(const pubsub::NodeKey& key,
                                     const pubsub::ItemsQuery& query) override;
    pubsub::MergedPage merged_items(const pubsub::MergedQuery& query) override;

    pubsub::PurgeResult purge(const pubsub::PurgeFilter& filter) override;
    void reset() override;
    pubsub::CacheStats stats(const pubsub::ProfileScope& scope) override;

    void index_fields(std::span<const pubsub::IndexedField> fields) override;
    pubsub::SearchResult search(const pubsub::SearchQuery& query) override;
    pubsub::ParsedSearch parse_search(std::string_view text) override;

private:
    // A cached statement, in use.
    StatementCache::Use statement(const std::string& sql) { return statements_.statement(sql); }
    StatementCache::Use statement(const BoundSql& bound) { return statements_.statement(bound); }

    // A full-text search in update order answered from the most recently updated
    // items; nullopt when it takes reading every match (then search() does).
    std::optional<pubsub::SearchResult> search_recent(const pubsub::SearchQuery& query);
    // The ids of `window` (ascending) whose text matches `match`; nullopt when the ids
    // lie too scattered to read in a few runs.
    std::optional<std::vector<std::int64_t>> text_matches_among(
        const std::string& match, const std::vector<std::int64_t>& window, std::int64_t gap);
    // The fields the database indexes, read on first use.
    const FieldIndexes& field_indexes();
    // Runs a search_sql() statement into hits, one past `limit` telling of more.
    pubsub::SearchResult run_search(const BoundSql& sql, int limit);

    // merged_items()'s two ways to the newest rows of a set of nodes (row id, node id,
    // item time): along the whole cache's time index, or node by node.
    struct MergedRow {
        std::int64_t row, node, time;
    };
    // nullopt when the walk steps over more than `budget` rows of other nodes.
    std::optional<std::vector<MergedRow>> merged_rows_by_walk(
        const std::unordered_map<std::int64_t, int>& nodes, const pubsub::MergedCursor& after,
        int wanted, std::int64_t budget);
    std::vector<MergedRow> merged_rows_by_node(const std::unordered_map<std::int64_t, int>& nodes,
                                               const pubsub::MergedCursor& after, int wanted,
                                               const std::vector<std::string>& ids,
                                               const std::string& text);

    std::optional<std::int64_t> find_node(const pubsub::NodeKey& key);
    std::int64_t ensure_node(const pubsub::NodeKey& key);

    Database& db_;
    StatementCache statements_;
    // The ids of the nodes merged reads met (a stream reads the same thousand nodes on
    // every page): a row keeps its id until drop_node() or reset(), which forget it here.
    // Only this store writes the table while the daemon holds the database.
    std::map<pubsub::NodeKey, std::int64_t> merged_node_ids_;
    std::optional<FieldIndexes> field_indexes_;
};

}  // namespace roost::storage

// SPDX-License-Identifier: MIT
// SqlitePubsubStore: nodes and items in SQLite; reads paged by ItemPager (XEP-0059, by
// keyset over the (node_id, position|created|updated, id) indexes), searches in
// SqlitePubsubSearch.cpp.
#include "src/storage/SqlitePubsubStore.hpp"

#include "src/storage/ItemPager.hpp"
#include "src/storage/ProfileRows.hpp"
#include "src/storage/UnixTime.hpp"

#include <iterator>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

namespace roost::storage {
namespace {

using nlohmann::json;
using pubsub::NodeKey;

// Empty strings are stored as NULL, and read back as "".
SqlValue nullable(const std::string& text) {
    if (text.empty()) return nullptr;
    return text;
}

SqlValue nullable(const json& value) {
    if (value.is_null()) return nullptr;
    return json_text(value);
}

void check_scope(const pubsub::ProfileScope& scope) {
    if (!scope.all_profiles && scope.profile.empty())
        throw std::invalid_argument("no profile given: name one, or ask for all profiles");
}

// "AND p.name = ?" unless the scope is every profile.
void add_scope(BoundSql& sql, const pubsub::ProfileScope& scope) {
    check_scope(scope);
    if (!scope.all_profiles) sql.add(" AND p.name = ?", scope.profile);
}

const char* kNodeColumns =
    "SELECT n.id, p.name, n.service, n.node, n.analyser, n.type, n.subtype, n.sync_state, "
    "n.sync_reason, n.sync_updated_at, n.subscribed, n.extra "
    "FROM pubsub_nodes n JOIN profiles p ON p.id = n.profile_id WHERE 1";

pubsub::NodeInfo node_of(SQLite::Statement& row) {
    pubsub::NodeInfo info;
    info.id = row.getColumn(0).getInt64();
    info.key = {row.getColumn(1).getString(), row.getColumn(2).getString(),
                row.getColumn(3).getString()};
    info.analyser = text_of(row.getColumn(4));
    info.type = text_of(row.getColumn(5));
    info.subtype = text_of(row.getColumn(6));
    info.sync_state = pubsub::sync_state_from(text_of(row.getColumn(7)));
    info.sync_reason = text_of(row.getColumn(8));
    if (!row.getColumn(9).isNull()) info.sync_updated_at = row.getColumn(9).getInt64();
    info.subscribed = row.getColumn(10).getInt() != 0;
    info.extra = json_of(row.getColumn(11));
    return info;
}

// A page of items is staged in a TEMP table, then stored by one statement. FTS5 writes
// out the terms it holds at every statement's savepoint: stored row by row, each item
// became an index segment of its own, merged again and again (ingest ran at 0.12 of a
// bare insert); in one statement, a page is one segment.
const char* kCreateStage =
    "CREATE TEMP TABLE IF NOT EXISTS pubsub_items_page (seq INTEGER PRIMARY KEY, "
    "item_id TEXT NOT NULL UNIQUE, raw_xml TEXT NOT NULL, parsed TEXT, parse_error TEXT, "
    "search_text TEXT, publisher TEXT, created INTEGER NOT NULL, updated INTEGER NOT NULL, "
    "changed_at INTEGER NOT NULL, own_time INTEGER)";

const char* kStageItem =
    "INSERT INTO temp.pubsub_items_page (item_id, raw_xml, parsed, parse_error, search_text, "
    "publisher, created, updated, changed_at, own_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// The staged ids are unique, so `changed_at` is found by item id. New items go after
// the node's last, in staging order; a stored one keeps its place. `WHERE true` keeps
// the parser from reading ON CONFLICT as a join's ON.
const char* kUpsertStaged =
    "INSERT INTO pubsub_items (node_id, item_id, raw_xml, parsed, parse_error, search_text, "
    "publisher, created, updated, position, item_time) SELECT ?, item_id, raw_xml, parsed, "
    "parse_error, search_text, publisher, created, updated, "
    "(SELECT coalesce(max(position), 0) FROM pubsub_items WHERE node_id = ?) + seq, "
    "coalesce(own_time, created) "
    "FROM temp.pubsub_items_page WHERE true ORDER BY seq "
    "ON CONFLICT (node_id, item_id) DO UPDATE SET raw_xml = excluded.raw_xml, "
    "parsed = excluded.parsed, parse_error = excluded.parse_error, "
    "search_text = excluded.search_text, publisher = excluded.publisher, "
    "updated = (SELECT changed_at FROM temp.pubsub_items_page s "
    "WHERE s.item_id = excluded.item_id), "
    // An item with no time of its own keeps the one it had (its first store's).
    "item_time = coalesce((SELECT own_time FROM temp.pubsub_items_page s "
    "WHERE s.item_id = excluded.item_id), pubsub_items.item_time) "
    // Storing the same content again touches nothing, not even the update time.
    "WHERE raw_xml IS NOT excluded.raw_xml OR parsed IS NOT excluded.parsed "
    "OR parse_error IS NOT excluded.parse_error OR search_text IS NOT excluded.search_text "
    "OR publisher IS NOT excluded.publisher "
    "RETURNING item_id";

const char* kClearStage = "DELETE FROM temp.pubsub_items_page";

// The staged items' list members (FieldIndexes::list_terms()), stored once the items
// have their rows; those already stored are left as they are (an unchanged item's, or
// an edited one's, which the update trigger of 0009 rewrote).
const char* kCreateTermStage =
    "CREATE TEMP TABLE IF NOT EXISTS pubsub_terms_page (item_id TEXT NOT NULL, "
    "field_id INTEGER NOT NULL, term NOT NULL)";
const char* kStageTerm =
    "INSERT INTO temp.pubsub_terms_page (item_id, field_id, term) VALUES (?, ?, ?)";
const char* kStoreTerms =
    "INSERT OR IGNORE INTO pubsub_item_terms (field_id, term, updated, item_id) "
    "SELECT s.field_id, s.term, i.updated, i.id FROM temp.pubsub_terms_page s "
    "JOIN pubsub_items i ON i.node_id = ? AND i.item_id = s.item_id";
const char* kClearTermStage = "DELETE FROM temp.pubsub_terms_page";

void add_to(pubsub::StatsEntry& entry, std::int64_t nodes, std::int64_t items, std::int64_t bytes) {
    entry.nodes += nodes;
    entry.items += items;
    entry.bytes += bytes;
}

}  // namespace

SqlitePubsubStore::SqlitePubsubStore(Database& db) : db_(db), statements_(db) {}

std::optional<std::int64_t> SqlitePubsubStore::find_node(const NodeKey& key) {
    auto query = statement(
        BoundSql().add("SELECT n.id FROM pubsub_nodes n JOIN profiles p ON p.id = n.profile_id "
                       "WHERE p.name = ? AND n.service = ? AND n.node = ?",
                       key.profile, key.service, key.node));
    if (!query->executeStep()) return std::nullopt;
    return query->getColumn(0).getInt64();
}

std::int64_t SqlitePubsubStore::ensure_node(const NodeKey& key) {
    if (auto id = find_node(key)) return *id;
    if (key.profile.empty()) throw std::invalid_argument("a pubsub cache node needs a profile");
    std::int64_t profile = ensure_profile(statements_, db_, key.profile);
    statement(
        BoundSql().add("INSERT INTO pubsub_nodes (profile_id, service, node) VALUES (?, ?, ?)",
                       profile, key.service, key.node))
        ->exec();
    return db_.sqlite().getLastInsertRowid();
}

// ---- Nodes ----

std::optional<pubsub::NodeInfo> SqlitePubsubStore::node_state(const NodeKey& key) {
    auto query = statement(BoundSql().add(
        std::string(kNodeColumns) + " AND p.name = ? AND n.service = ? AND n.node = ?", key.profile,
        key.service, key.node));
    if (!query->executeStep()) return std::nullopt;
    return node_of(*query);
}

std::vector<pubsub::NodeInfo> SqlitePubsubStore::list_nodes(const pubsub::NodeFilter& filter) {
    BoundSql sql;
    sql.add(std::string(kNodeColumns) + " AND p.name = ?", filter.profile);
    if (filter.service) sql.add(" AND n.service = ?", *filter.service);
    if (filter.type) sql.add(" AND n.type = ?", *filter.type);
    if (filter.analyser) sql.add(" AND n.analyser = ?", *filter.analyser);
    if (filter.sync_state)
        sql.add(" AND n.sync_state = ?", std::string(to_string(*filter.sync_state)));
    if (filter.subscribed) sql.add(" AND n.subscribed = ?", std::int64_t{*filter.subscribed});
    sql.add(" ORDER BY n.service, n.node");
    auto query = statement(sql);
    std::vector<pubsub::NodeInfo> nodes;
    while (query->executeStep()) nodes.push_back(node_of(*query));
    return nodes;
}

void SqlitePubsubStore::set_node(const NodeKey& key, const std::string& analyser,
                                 const std::string& type, const std::string& subtype) {
    auto transaction = db_.transaction();
    std::int64_t node = ensure_node(key);
    statement(
        BoundSql().add("UPDATE pubsub_nodes SET analyser = ?, type = ?, subtype = ? WHERE id = ?",
                       nullable(analyser), nullable(type), nullable(subtype), node))
        ->exec();
    transaction.commit();
}

void SqlitePubsubStore::set_sync_state(const NodeKey& key, std::optional<pubsub::SyncState> state,
                                       const std::string& reason) {
    auto transaction = db_.transaction();
    std::int64_t node = ensure_node(key);
    SqlValue state_value = nullptr;
    if (state) state_value = std::string(to_string(*state));
    statement(BoundSql().add("UPDATE pubsub_nodes SET sync_state = ?, sync_reason = ?, "
                             "sync_updated_at = ? WHERE id = ?",
                             state_value, nullable(reason), now_ms(), node))
        ->exec();
    transaction.commit();
}

void SqlitePubsubStore::set_subscribed(const NodeKey& key, bool subscribed) {
    auto transaction = db_.transaction();
    std::int64_t node = ensure_node(key);
    statement(BoundSql().add("UPDATE pubsub_nodes SET subscribed = ? WHERE id = ?",
                             std::int64_t{subscribed}, node))
        ->exec();
    transaction.commit();
}

void SqlitePubsubStore::set_extra(const NodeKey& key, const json& extra) {
    auto transaction = db_.transaction();
    std::int64_t node = ensure_node(key);
    statement(
        BoundSql().add("UPDATE pubsub_nodes SET extra = ? WHERE id = ?", nullable(extra), node))
        ->exec();
    transaction.commit();
}

bool SqlitePubsubStore::drop_node(const NodeKey& key) {
    auto node = find_node(key);
    if (!node) return false;
    auto transaction = db_.transaction();
    statement(BoundSql().add("DELETE FROM pubsub_nodes WHERE id = ?", *node))->exec();
    transaction.commit();
    merged_node_ids_.erase(key);
    return true;
}

// ---- Items ----

pubsub::UpsertResult SqlitePubsubStore::upsert_items(const NodeKey& key,
                                                     std::span<const pubsub::StoredItem> items) {
    pubsub::UpsertResult result;
    // Outside the transaction: a rollback must not take the table away.
    statement(kCreateStage)->exec();
    statement(kCreateTermStage)->exec();
    const FieldIndexes& indexes = field_indexes();
    auto transaction = db_.transaction();
    std::int64_t node = ensure_node(key);
    std::int64_t now = now_ms();
    // An id seen twice in a page is stored in two runs, in order, as a server sent them.
    std::unordered_set<std::string_view> staged;
    bool terms_staged = false;
    auto store_staged = [&] {
        if (staged.empty()) return;
        auto upsert = statement(BoundSql().add(kUpsertStaged, node, node));
        std::size_t changed = 0;
        for (; upsert->executeStep(); ++changed) result.changed.push_back(upsert->getColumn(0));
        result.unchanged += static_cast<int>(staged.size() - changed);
        statement(kClearStage)->exec();
        if (terms_staged) {
            statement(BoundSql().add(kStoreTerms, node))->exec();
            statement(kClearTermStage)->exec();
            terms_staged = false;
        }
        staged.clear();
    };
    auto stage = statement(kStageItem);
    auto stage_term = statement(kStageTerm);
    for (const auto& item : items) {
        if (!staged.insert(item.id).second) {
            store_staged();
            staged.insert(item.id);
        }
        std::int64_t created = item.created ? item.created : now;
        std::string parsed = item.parsed.is_null() ? "" : json_text(item.parsed);
        stage->reset();
        // No copies of the (possibly large) texts: they outlive the exec() below.
        auto text = [&](int index, const std::string& value) {
            if (value.empty())
                stage->bind(index);
            else
                stage->bindNoCopy(index, value);
        };
        stage->bindNoCopy(1, item.id);
        stage->bindNoCopy(2, item.xml);
        text(3, parsed);
        text(4, item.parse_error);
        text(5, item.search_text);
        text(6, item.publisher);
        stage->bind(7, created);
        // A new item was updated when created; a changed one, now (unless told).
        stage->bind(8, item.updated ? item.updated : created);
        stage->bind(9, item.updated ? item.updated : now);
        if (item.time)
            stage->bind(10, item.time);
        else
            stage->bind(10);
        stage->exec();
        for (auto& [field, term] : indexes.list_terms(item.parsed)) {
            stage_term->reset();
            bind_all(*stage_term, {item.id, field, std::move(term)});
            stage_term->exec();
            terms_staged = true;
        }
    }
    store_staged();
    transaction.commit();
    return result;
}

// One statement whatever the node's size: a resync rewrites every place of a large
// node at its end. Rows already in their place are not written.
void SqlitePubsubStore::set_server_order(const NodeKey& key, std::span<const std::string> ids) {
    auto node = find_node(key);
    if (!node || ids.empty()) return;
    std::vector<std::string> order(ids.begin(), ids.end());
    auto transaction = db_.transaction();
    statement(BoundSql().add("UPDATE pubsub_items SET position = o.place FROM (SELECT value "
                             "AS item_id, min(key) AS place FROM json_each(?) GROUP BY value) "
                             "AS o WHERE pubsub_items.node_id = ? AND pubsub_items.item_id = "
                             "o.item_id AND pubsub_items.position IS NOT o.place",
                             json_text(order), *node))
        ->exec();
    transaction.commit();
}

int SqlitePubsubStore::move_to_end(const NodeKey& key, std::span<const std::string> ids) {
    auto node = find_node(key);
    if (!node) return 0;
    const std::string last = "(SELECT max(position) FROM pubsub_items WHERE node_id = ?)";
    int moved = 0;
    auto transaction = db_.transaction();
    for (const auto& id : ids) {
        moved += statement(BoundSql().add("UPDATE pubsub_items SET position = " + last +
                                              " + 1 WHERE node_id = ? AND item_id = ? AND "
                                              "position < " +
                                              last,
                                          *node, *node, id, *node))
                     ->exec();
    }
    transaction.commit();
    return moved;
}

int SqlitePubsubStore::delete_items(const NodeKey& key, std::span<const std::string> ids) {
    auto node = find_node(key);
    if (!node) return 0;
    int deleted = 0;
    auto transaction = db_.transaction();
    for (const auto& id : ids) {
        deleted +=
            statement(BoundSql().add("DELETE FROM pubsub_items WHERE node_id = ? AND item_id = ?",
                                     *node, id))
                ->exec();
    }
    transaction.commit();
    return deleted;
}

int SqlitePubsubStore::purge_items(const NodeKey& key) {
    auto node = find_node(key);
    if (!node) return 0;
    auto transaction = db_.transaction();
    int deleted =
        statement(BoundSql().add("DELETE FROM pubsub_items WHERE node_id = ?", *node))->exec();
    transaction.commit();
    return deleted;
}

int SqlitePubsubStore::trim_to_max_items(const NodeKey& key, int max_items) {
    if (max_items < 0) throw std::invalid_argument("max_items cannot be negative");
    auto node = find_node(key);
    if (!node) return 0;
    auto transaction = db_.transaction();
    int deleted =
        statement(BoundSql().add("DELETE FROM pubsub_items WHERE id IN (SELECT id FROM "
                                 "pubsub_items WHERE node_id = ? ORDER BY position DESC, id DESC "
                                 "LIMIT -1 OFFSET ?)",
                                 *node, std::int64_t{max_items}))
            ->exec();
    transaction.commit();
    return deleted;
}

std::vector<std::string> SqlitePubsubStore::item_ids(const NodeKey& key) {
    std::vector<std::string> ids;
    auto node = find_node(key);
    if (!node) return ids;
    auto query = statement(BoundSql().add(
        "SELECT item_id FROM pubsub_items WHERE node_id = ? ORDER BY position, id", *node));
    while (query->executeStep()) ids.push_back(query->getColumn(0).getString());
    return ids;
}

// ---- Reads ----

pubsub::GetItemsAnswer SqlitePubsubStore::get_items(const NodeKey& key,
                                                    const pubsub::ItemsQuery& query) {
    return ItemPager(statements_, find_node(key).value_or(-1), query).page(key);
}

// ---- Maintenance ----

pubsub::PurgeResult SqlitePubsubStore::purge(const pubsub::PurgeFilter& filter) {
    BoundSql where;
    where.add(" WHERE node_id IN (SELECT n.id FROM pubsub_nodes n JOIN profiles p ON "
              "p.id = n.profile_id WHERE 1");
    add_scope(where, filter.scope);
    if (filter.service) where.add(" AND n.service = ?", *filter.service);
    if (filter.node) where.add(" AND n.node = ?", *filter.node);
    if (filter.type) where.add(" AND n.type = ?", *filter.type);
    where.add(")");
    if (filter.updated_before) where.add(" AND updated < ?", *filter.updated_before);

    pubsub::PurgeResult result;
    auto transaction = db_.transaction();
    BoundSql forget{"UPDATE pubsub_nodes SET sync_state = NULL, sync_reason = 'purged', "
                    "sync_updated_at = ? WHERE id IN (SELECT DISTINCT node_id FROM pubsub_items" +
                        where.sql + ")",
                    {now_ms()}};
    forget.params.insert(forget.params.end(), where.params.begin(), where.params.end());
    result.nodes = statement(forget)->exec();
    result.items =
        statement(BoundSql{"DELETE FROM pubsub_items" + where.sql, where.params})->exec();
    transaction.commit();
    return result;
}

void SqlitePubsubStore::reset() {
    auto transaction = db_.transaction();
    statement("DELETE FROM pubsub_items")->exec();
    statement("DELETE FROM pubsub_nodes")->exec();
    transaction.commit();
    merged_node_ids_.clear();
}

pubsub::CacheStats SqlitePubsubStore::stats(const pubsub::ProfileScope& scope) {
    BoundSql sql;
    // The nodes' tallies (migration 0007), kept by triggers: no item is read.
    sql.add("SELECT coalesce(n.type, ''), coalesce(n.sync_state, 'none'), count(*), "
            "sum(n.item_count), sum(n.item_bytes) "
            "FROM pubsub_nodes n JOIN profiles p ON p.id = n.profile_id WHERE 1");
    add_scope(sql, scope);
    sql.add(" GROUP BY 1, 2");
    pubsub::CacheStats stats;
    auto query = statement(sql);
    while (query->executeStep()) {
        std::int64_t nodes = query->getColumn(2).getInt64();
        std::int64_t items = query->getColumn(3).getInt64();
        std::int64_t bytes = query->getColumn(4).getInt64();
        add_to(stats.total, nodes, items, bytes);
        add_to(stats.by_type[query->getColumn(0).getString()], nodes, items, bytes);
        add_to(stats.by_sync_state[query->getColumn(1).getString()], nodes, items, bytes);
    }
    return stats;
}

// ---- Search ----

}  // namespace roost::storage

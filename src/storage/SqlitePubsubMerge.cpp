// SPDX-License-Identifier: MIT
// SqlitePubsubStore's merged reads: the newest items of many nodes as one feed, by item
// time, keyset-paged on (item_time, row id). A stream that covers much of the cache walks
// the global time index and skips other nodes' rows; one that covers little asks each of
// its nodes for its newest rows (the node's time index) and merges them; so does one
// filtered by ids or words.
#include "src/storage/ProfileRows.hpp"
#include "src/storage/SearchSql.hpp"
#include "src/storage/SqlitePubsubStore.hpp"

#include <algorithm>
#include <limits>

namespace roost::storage {
namespace {

using nlohmann::json;

// Rows of other nodes a walk may step over per node of the stream, before asking node by
// node is cheaper: about what one node's indexed query costs in steps.
constexpr std::int64_t kWalkStepsPerNode = 4;

bool newer(const auto& a, const auto& b) {
    return a.time != b.time ? a.time > b.time : a.row > b.row;
}

}  // namespace

pubsub::MergedPage SqlitePubsubStore::merged_items(const pubsub::MergedQuery& query) {
    pubsub::MergedPage page;
    if (query.limit <= 0 || query.nodes.empty()) return page;
    // The nodes the cache holds, by id: those met before from merged_node_ids_, the others
    // by one probe of the (profile, service, node) index each.
    std::unordered_map<std::int64_t, int> nodes;  // node id -> index in query.nodes
    std::optional<std::int64_t> profile_id;
    for (std::size_t i = 0; i < query.nodes.size(); ++i) {
        const auto& key = query.nodes[i];
        if (key.profile != query.profile) continue;
        if (auto known = merged_node_ids_.find(key); known != merged_node_ids_.end()) {
            nodes.emplace(known->second, static_cast<int>(i));
            continue;
        }
        if (!profile_id && !(profile_id = find_profile(statements_, query.profile))) return page;
        auto lookup = statement(BoundSql().add(
            "SELECT id FROM pubsub_nodes WHERE profile_id = ? AND service = ? AND node = ?",
            *profile_id, key.service, key.node));
        if (!lookup->executeStep()) continue;  // not cached (yet): looked up again next time
        std::int64_t id = lookup->getColumn(0).getInt64();
        merged_node_ids_.emplace(key, id);
        nodes.emplace(id, static_cast<int>(i));
    }
    if (nodes.empty()) return page;

    pubsub::MergedCursor after =
        query.after.value_or(pubsub::MergedCursor{std::numeric_limits<std::int64_t>::max(), 0});
    int wanted = query.limit + 1;  // one more tells whether older items remain
    // A walk may step over this many rows of other nodes before asking node by node is
    // cheaper; it gives up then (a stream of few or empty nodes).
    std::int64_t budget = kWalkStepsPerNode * static_cast<std::int64_t>(nodes.size());
    std::optional<std::vector<MergedRow>> rows;
    if (query.ids.empty() && query.text.empty())
        rows = merged_rows_by_walk(nodes, after, wanted, budget);
    if (!rows) rows = merged_rows_by_node(nodes, after, wanted, query.ids, query.text);
    page.more = static_cast<int>(rows->size()) > query.limit;
    if (page.more) rows->resize(static_cast<std::size_t>(query.limit));

    json ids = json::array();
    for (const auto& row : *rows) ids.push_back(row.row);
    auto details = statement(BoundSql().add(
        "SELECT i.id, i.item_id, i.raw_xml, i.parsed, i.publisher FROM pubsub_items i "
        "WHERE i.id IN (SELECT value FROM json_each(?))",
        ids.dump()));
    std::unordered_map<std::int64_t, pubsub::MergedItem> items;
    while (details->executeStep()) {
        pubsub::MergedItem item;
        item.id = details->getColumn(1).getString();
        item.xml = details->getColumn(2).getString();
        if (!details->getColumn(3).isNull())
            item.parsed = json::parse(details->getColumn(3).getString());
        item.publisher = details->getColumn(4).getString();
        items.emplace(details->getColumn(0).getInt64(), std::move(item));
    }
    for (const auto& row : *rows) {
        auto item = items.find(row.row);
        if (item == items.end()) continue;
        item->second.node = query.nodes[static_cast<std::size_t>(nodes.at(row.node))];
        item->second.time = row.time;
        item->second.cursor = {row.time, row.row};
        page.items.push_back(std::move(item->second));
    }
    return page;
}

std::optional<std::vector<SqlitePubsubStore::MergedRow>> SqlitePubsubStore::merged_rows_by_walk(
    const std::unordered_map<std::int64_t, int>& nodes, const pubsub::MergedCursor& after,
    int wanted, std::int64_t budget) {
    auto walk = statement(BoundSql().add(
        "SELECT id, node_id, item_time FROM pubsub_items INDEXED BY pubsub_items_time "
        "WHERE (item_time, id) < (?, ?) ORDER BY item_time DESC, id DESC",
        after.time, after.row));
    std::vector<MergedRow> rows;
    std::int64_t skipped = 0;
    while (static_cast<int>(rows.size()) < wanted && walk->executeStep()) {
        std::int64_t node = walk->getColumn(1).getInt64();
        if (nodes.contains(node))
            rows.push_back({walk->getColumn(0).getInt64(), node, walk->getColumn(2).getInt64()});
        else if (++skipped > budget)
            return std::nullopt;
    }
    return rows;
}

std::vector<SqlitePubsubStore::MergedRow> SqlitePubsubStore::merged_rows_by_node(
    const std::unordered_map<std::int64_t, int>& nodes, const pubsub::MergedCursor& after,
    int wanted, const std::vector<std::string>& ids, const std::string& text) {
    std::string only = ids.empty() ? "" : json(ids).dump();
    std::string match = text.empty() ? "" : fts_match(text);
    std::vector<MergedRow> rows;
    for (const auto& [node, index] : nodes) {
        BoundSql sql;
        sql.add("SELECT id, item_time FROM pubsub_items INDEXED BY pubsub_items_node_time "
                "WHERE node_id = ? AND (item_time, id) < (?, ?) ",
                node, after.time, after.row);
        if (!only.empty()) sql.add("AND item_id IN (SELECT value FROM json_each(?)) ", only);
        if (!match.empty())
            sql.add(
                "AND id IN (SELECT rowid FROM pubsub_items_fts WHERE pubsub_items_fts MATCH ?) ",
                match);
        sql.add("ORDER BY item_time DESC, id DESC LIMIT ?", wanted);
        auto newest = statement(sql);
        while (newest->executeStep())
            rows.push_back(
                {newest->getColumn(0).getInt64(), node, newest->getColumn(1).getInt64()});
    }
    auto cut =
        rows.begin() + std::min<std::ptrdiff_t>(wanted, static_cast<std::ptrdiff_t>(rows.size()));
    std::partial_sort(rows.begin(), cut, rows.end(),
                      [](const auto& a, const auto& b) { return newer(a, b); });
    rows.erase(cut, rows.end());
    return rows;
}

}  // namespace roost::storage

// SPDX-License-Identifier: MIT
// ItemPager: the set's SQL is built once; each RSM request is then one or two keyset
// reads and a count.
#include "src/storage/ItemPager.hpp"

#include <algorithm>

namespace roost::storage {
namespace {

std::string order_column(pubsub::ItemOrder order) {
    switch (order) {
        case pubsub::ItemOrder::Server: return "position";
        case pubsub::ItemOrder::Creation: return "created";
        case pubsub::ItemOrder::Modification: return "updated";
    }
    return "position";
}

// The items a read returns; the rows come newest first.
std::vector<pubsub::Item> items_of(SQLite::Statement& row) {
    std::vector<pubsub::Item> items;
    while (row.executeStep())
        items.push_back({row.getColumn(0).getString(), row.getColumn(1).getString(),
                         text_of(row.getColumn(2))});
    return items;
}

pubsub::GetItemsAnswer item_not_found(const pubsub::NodeKey& key, const std::string& id) {
    pubsub::GetItemsAnswer answer;
    XmppError error;
    error.condition = "item-not-found";
    error.type = "cancel";
    error.text = "no item '" + id + "' to page from in the cache";
    error.request = "get items of " + key.node + " at " +
                    (key.service.empty() ? std::string("the account's PEP") : key.service);
    answer.error = error;
    return answer;
}

}  // namespace

ItemPager::ItemPager(StatementCache& statements, std::int64_t node, const pubsub::ItemsQuery& query)
    : statements_(statements), node_(node), query_(query), key_(order_column(query.order)) {
    where_.add(" FROM pubsub_items WHERE node_id = ?", node);
    if (!query.ids.empty()) {
        // The ids are looked up (node_id, item_id), their few rows sorted: the unary +
        // keeps SQLite from walking the node's order index instead and testing every
        // row's id (107 ms for 2 ids of a 100,000-item node; each event's read of the
        // items it brings paid that on its node).
        key_ = "+" + key_;
        where_.add(" AND item_id IN (SELECT value FROM json_each(?))", json_text(query.ids));
    }
    // The node's own count (kept by triggers) spares counting a large node's rows.
    total_ = query.ids.empty() ? node_count(node) : count(where_);
    if (query.max_items && total_ > *query.max_items)
        keep_most_recent(std::max(*query.max_items, 0));
}

pubsub::GetItemsAnswer ItemPager::page(const pubsub::NodeKey& key) {
    const pubsub::RsmRequest rsm = query_.rsm.value_or(pubsub::RsmRequest{});
    std::int64_t limit = rsm.max && *rsm.max >= 0 ? *rsm.max : -1;
    if (rsm.before) {
        auto page = before(*rsm.before, limit);
        return page ? answer(std::move(*page)) : item_not_found(key, *rsm.before);
    }
    if (rsm.after) {
        auto page = after(*rsm.after, limit);
        return page ? answer(std::move(*page)) : item_not_found(key, *rsm.after);
    }
    return answer(at_index(std::max(rsm.index.value_or(0), 0), limit));
}

std::int64_t ItemPager::count(const BoundSql& where) {
    auto counter = statements_.statement(BoundSql{"SELECT count(*)" + where.sql, where.params});
    counter->executeStep();
    return counter->getColumn(0).getInt64();
}

std::int64_t ItemPager::node_count(std::int64_t node) {
    auto query = statements_.statement(
        BoundSql().add("SELECT item_count FROM pubsub_nodes WHERE id = ?", node));
    return query->executeStep() ? query->getColumn(0).getInt64() : 0;
}

// Everything from the oldest of the `keep` most recent on.
void ItemPager::keep_most_recent(std::int64_t keep) {
    if (keep == 0) {
        total_ = 0;
        where_.add(" AND 0");
        return;
    }
    BoundSql oldest_kept{"SELECT " + key_ + ", id" + where_.sql + " ORDER BY " + key_ +
                             " DESC, id DESC LIMIT 1 OFFSET ?",
                         where_.params};
    oldest_kept.params.emplace_back(keep - 1);
    auto cut = statements_.statement(oldest_kept);
    cut->executeStep();
    std::int64_t cut_key = cut->getColumn(0).getInt64();
    std::int64_t cut_id = cut->getColumn(1).getInt64();
    where_.add(" AND (" + key_ + ", id) >= (?, ?)", cut_key, cut_id);
    total_ = keep;
}

std::optional<ItemPager::Keyset> ItemPager::anchor(const std::string& id) {
    BoundSql find{"SELECT " + key_ + ", id" + where_.sql + " AND item_id = ?", where_.params};
    find.params.emplace_back(id);
    auto found = statements_.statement(find);
    if (!found->executeStep()) return std::nullopt;
    return Keyset{found->getColumn(0).getInt64(), found->getColumn(1).getInt64()};
}

std::int64_t ItemPager::rank(Keyset at) {
    // A max_items cut leaves out only older items: the newer ones are the node's.
    if (query_.order == pubsub::ItemOrder::Server && query_.ids.empty() && at.first >= 0)
        return rank_by_runs(at);
    BoundSql newer = where_;
    newer.add(" AND (" + key_ + ", id) > (?, ?)", at.first, at.second);
    return count(newer);
}

std::int64_t ItemPager::rank_by_runs(Keyset at) {
    constexpr std::int64_t kRun = 1024;  // places a run counts: position / 1024
    std::int64_t run = at.first / kRun;
    auto above = statements_.statement(
        BoundSql().add("SELECT coalesce(sum(items), 0) FROM pubsub_position_buckets "
                       "WHERE node_id = ? AND bucket > ?",
                       node_, run));
    above->executeStep();
    std::int64_t newer = above->getColumn(0).getInt64();
    return newer + count(BoundSql().add(" FROM pubsub_items WHERE node_id = ? AND position < ? "
                                        "AND (position, id) > (?, ?)",
                                        node_, (run + 1) * kRun, at.first, at.second));
}

// `before ""` is the last page: the oldest items.
std::optional<ItemPager::Page> ItemPager::before(const std::string& id, std::int64_t limit) {
    BoundSql part = where_;
    Page page;
    page.first_index = total_;
    if (!id.empty()) {
        auto at = anchor(id);
        if (!at) return std::nullopt;
        part.add(" AND (" + key_ + ", id) > (?, ?)", at->first, at->second);
        page.first_index = rank(*at);
    }
    page.items = read(std::move(part), "ASC", limit);
    std::reverse(page.items.begin(), page.items.end());
    page.first_index -= static_cast<std::int64_t>(page.items.size());
    return page;
}

std::optional<ItemPager::Page> ItemPager::after(const std::string& id, std::int64_t limit) {
    auto at = anchor(id);
    if (!at) return std::nullopt;
    BoundSql part = where_;
    part.add(" AND (" + key_ + ", id) < (?, ?)", at->first, at->second);
    Page page;
    page.items = read(std::move(part), "DESC", limit);
    page.first_index = rank(*at) + 1;
    return page;
}

ItemPager::Page ItemPager::at_index(std::int64_t index, std::int64_t limit) {
    return {read(where_, "DESC", limit, index), index};
}

std::vector<pubsub::Item> ItemPager::read(BoundSql part, const std::string& direction,
                                          std::int64_t limit, std::optional<std::int64_t> offset) {
    part.sql = "SELECT item_id, raw_xml, publisher" + part.sql + " ORDER BY " + key_ + " " +
               direction + ", id " + direction + " LIMIT ?";
    part.params.emplace_back(limit);
    if (offset) {
        part.sql += " OFFSET ?";
        part.params.emplace_back(*offset);
    }
    return items_of(*statements_.statement(part));
}

pubsub::GetItemsAnswer ItemPager::answer(Page page) {
    pubsub::GetItemsAnswer answer;
    answer.page.from_cache = true;
    if (query_.rsm) {
        pubsub::RsmResult result;
        result.count = static_cast<int>(total_);
        if (!page.items.empty()) {
            result.first = page.items.front().id;
            result.first_index = static_cast<int>(page.first_index);
            result.last = page.items.back().id;
        }
        answer.page.rsm = result;
    }
    answer.page.items = std::move(page.items);
    return answer;
}

}  // namespace roost::storage

// SPDX-License-Identifier: MIT
// ItemPager: one get_items() read of the cache: a node's items (maybe only some ids,
// maybe cut to the max_items most recent), paged by XEP-0059 (RSM).
#pragma once

#include "roost/PubsubStore.hpp"
#include "src/storage/BoundSql.hpp"
#include "src/storage/StatementCache.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace roost::storage {

// Pages with keysets on (key, id), the key being the column the order follows:
// `after X` is what sorts below X newest first, `before X` what sorts above it, so no
// read scans the rows it skips but the counts. For one read; reactor thread only.
class ItemPager {
public:
    // `node` is -1 for a node the store does not know: it pages like an empty one.
    ItemPager(StatementCache& statements, std::int64_t node, const pubsub::ItemsQuery& query);

    // The page the query's RSM asks for (every item without one); item-not-found,
    // naming `key`, when its after or before id is not among the items.
    pubsub::GetItemsAnswer page(const pubsub::NodeKey& key);

private:
    using Keyset = std::pair<std::int64_t, std::int64_t>;  // (key, id) of an item

    struct Page {
        std::vector<pubsub::Item> items;  // newest first
        std::int64_t first_index = 0;     // items of the set newer than the first
    };

    std::int64_t count(const BoundSql& where);
    std::int64_t node_count(std::int64_t node);
    void keep_most_recent(std::int64_t keep);
    // The anchor of after/before, and its rank (items newer than it).
    std::optional<Keyset> anchor(const std::string& id);
    std::int64_t rank(Keyset at);
    // rank() in the server's order of a whole node: the position runs above the item
    // summed (migration 0008), only its own run counted.
    std::int64_t rank_by_runs(Keyset at);

    std::optional<Page> before(const std::string& id, std::int64_t limit);
    std::optional<Page> after(const std::string& id, std::int64_t limit);
    Page at_index(std::int64_t index, std::int64_t limit);
    // The items of `part` of the set in `direction` ("ASC", "DESC") of the key, at most
    // `limit` (-1: all), from `offset` on.
    std::vector<pubsub::Item> read(BoundSql part, const std::string& direction, std::int64_t limit,
                                   std::optional<std::int64_t> offset = std::nullopt);
    pubsub::GetItemsAnswer answer(Page page);

    StatementCache& statements_;
    std::int64_t node_;
    const pubsub::ItemsQuery& query_;
    std::string key_;
    BoundSql where_;  // " FROM pubsub_items WHERE ...": the items paged over
    std::int64_t total_ = 0;
};

}  // namespace roost::storage

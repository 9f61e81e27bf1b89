// SPDX-License-Identifier: MIT
// SqlitePubsubStore's search: SearchQuery's SQL, and full-text searches in update
// order read from FTS5 through windows of the most recently updated items.
#include "src/storage/SearchQuery.hpp"
#include "src/storage/SqlitePubsubStore.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace roost::storage {
namespace {

using nlohmann::json;

// Full-text searches in update order (search_recent()): windows of the most recently
// updated items grow from the first size to the last by 8 times, and are read from
// FTS5 in at most kMaxRanges runs of ids.
constexpr std::int64_t kFirstWindow = 256;
constexpr std::int64_t kLastWindow = 16384;
constexpr std::size_t kMaxRanges = 16;

}  // namespace

const FieldIndexes& SqlitePubsubStore::field_indexes() {
    if (!field_indexes_) field_indexes_ = FieldIndexes::load(db_);
    return *field_indexes_;
}

void SqlitePubsubStore::index_fields(std::span<const pubsub::IndexedField> fields) {
    field_indexes();
    for (const auto& field : fields) field_indexes_->declare(db_, field);
}

pubsub::SearchResult SqlitePubsubStore::search(const pubsub::SearchQuery& query) {
    auto sql = search_sql(query, field_indexes());
    if (auto* error = std::get_if<pubsub::SearchError>(&sql)) {
        pubsub::SearchResult result;
        result.error = *error;
        return result;
    }
    if (auto recent = search_recent(query)) return *recent;
    return run_search(std::get<BoundSql>(sql), query.limit);
}

pubsub::SearchResult SqlitePubsubStore::run_search(const BoundSql& sql, int limit) {
    pubsub::SearchResult result;
    auto rows = statement(sql);
    while (rows->executeStep()) {
        if (static_cast<int>(result.hits.size()) == limit) {
            result.more = true;
            break;
        }
        pubsub::SearchHit hit;
        hit.key = {rows->getColumn(0).getString(), rows->getColumn(1).getString(),
                   rows->getColumn(2).getString()};
        hit.type = text_of(rows->getColumn(3));
        hit.item = {rows->getColumn(4).getString(), text_of(rows->getColumn(5)),
                    text_of(rows->getColumn(6)),    json_of(rows->getColumn(7)),
                    text_of(rows->getColumn(8)),    text_of(rows->getColumn(9)),
                    rows->getColumn(10).getInt64(), rows->getColumn(11).getInt64()};
        result.hits.push_back(std::move(hit));
    }
    return result;
}

// Words that most items contain match tens of thousands of rows, and FTS5 can only
// hand them over in rowid order: reading them all to sort by update time cost 10-20 ms
// on 100,000 items. So look at the most recently updated items first (a window at the
// head of the update order, grown until it holds the page), and ask FTS5 only about
// their ids' ranges, which it reads without the rest. Rare words, or items of the
// window too scattered, go to the plain search, which is then cheap or as before.
std::optional<pubsub::SearchResult> SqlitePubsubStore::search_recent(
    const pubsub::SearchQuery& query) {
    if (query.text.empty() || query.order.field != "updated") return std::nullopt;
    std::string match = fts_match(query.text);
    if (match.empty()) return std::nullopt;
    const std::string direction = query.order.descending ? " DESC" : " ASC";
    const std::int64_t wanted = std::int64_t{query.offset} + query.limit + 1;
    for (std::int64_t size = std::max(kFirstWindow, 8 * wanted); size <= kLastWindow; size *= 8) {
        std::vector<std::int64_t> window;
        {
            auto rows = statement(BoundSql().add("SELECT id FROM pubsub_items ORDER BY updated" +
                                                     direction + ", id" + direction + " LIMIT ?",
                                                 size));
            while (rows->executeStep()) window.push_back(rows->getColumn(0).getInt64());
        }
        // A window that holds every item is no shortcut.
        if (static_cast<std::int64_t>(window.size()) < size) return std::nullopt;
        std::sort(window.begin(), window.end());
        auto matches = text_matches_among(match, window, size);
        if (!matches) return std::nullopt;
        auto sql = search_sql(query, field_indexes(), &*matches);
        if (!std::holds_alternative<BoundSql>(sql)) return std::nullopt;
        auto result = run_search(std::get<BoundSql>(sql), query.limit);
        // The window is the head of the order: once it holds a hit past the page, the
        // page is the one that reading every match gives.
        if (result.more) return result;
        // Rare words: a window 8 times larger would likely still fall short.
        std::int64_t hits =
            result.hits.empty() ? 0 : query.offset + static_cast<std::int64_t>(result.hits.size());
        if ((hits + 1) * 8 < wanted) return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::vector<std::int64_t>> SqlitePubsubStore::text_matches_among(
    const std::string& match, const std::vector<std::int64_t>& window, std::int64_t gap) {
    // Runs of the window's ids without a gap wider than `gap`, one FTS5 read each.
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    for (std::int64_t id : window) {
        if (ranges.empty() || id - ranges.back().second > gap)
            ranges.emplace_back(id, id);
        else
            ranges.back().second = id;
    }
    if (ranges.size() > kMaxRanges) return std::nullopt;
    std::vector<std::int64_t> found;
    for (auto [first, last] : ranges) {
        auto rows = statement(
            BoundSql().add("SELECT rowid FROM pubsub_items_fts WHERE pubsub_items_fts MATCH ? "
                           "AND rowid BETWEEN ? AND ?",
                           match, first, last));
        while (rows->executeStep()) found.push_back(rows->getColumn(0).getInt64());
    }
    std::vector<std::int64_t> matches;
    std::set_intersection(window.begin(), window.end(), found.begin(), found.end(),
                          std::back_inserter(matches));
    return matches;
}

pubsub::ParsedSearch SqlitePubsubStore::parse_search(std::string_view text) {
    return parse_search_query(text);
}

}  // namespace roost::storage

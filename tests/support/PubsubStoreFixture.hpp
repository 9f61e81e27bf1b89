// SPDX-License-Identifier: MIT
// PubsubStoreFixture: a migrated in-memory database with a store over it, and
// builders for the items and queries of the store's tests.
#pragma once

#include "src/storage/Migrator.hpp"
#include "src/storage/SqlitePubsubStore.hpp"

#include <optional>
#include <string>
#include <vector>

namespace roost::test::store {

using namespace roost::pubsub;
using nlohmann::json;
using storage::Database;
using storage::MigrationSet;
using storage::Migrator;
using storage::SqlitePubsubStore;

inline Database& migrated(Database& db) {
    auto migrations = MigrationSet::embedded();
    Migrator migrator(db, migrations);
    migrator.run(migrator.plan_upgrade());
    return db;
}

// A migrated in-memory database and a store over it.
struct Cache {
    Database db{std::string(Database::kInMemory)};
    SqlitePubsubStore store{migrated(db)};

    std::int64_t count(const std::string& sql) { return db.sqlite().execAndGet(sql).getInt64(); }
};

inline const NodeKey kBlog{"alice", "pubsub.example", "urn:xmpp:microblog:0"};

inline StoredItem item(const std::string& id, std::int64_t created, json parsed = nullptr,
                       std::string text = "") {
    StoredItem stored;
    stored.id = id;
    stored.xml = "<item id='" + id + "'><entry xmlns='http://www.w3.org/2005/Atom'><title>" + id +
                 "</title></entry></item>";
    stored.publisher = "alice@example";
    stored.parsed = std::move(parsed);
    stored.search_text = std::move(text);
    stored.created = created;
    return stored;
}

// i0 (oldest) .. i{n-1} (newest), created 1000, 1001, ...
inline std::vector<StoredItem> numbered(int n) {
    std::vector<StoredItem> items;
    for (int i = 0; i < n; ++i) items.push_back(item("i" + std::to_string(i), 1000 + i));
    return items;
}

inline std::vector<std::string> ids_of(const GetItemsAnswer& answer) {
    std::vector<std::string> ids;
    for (const auto& i : answer.page.items) ids.push_back(i.id);
    return ids;
}

inline GetItemsAnswer page(Cache& cache, RsmRequest rsm,
                           std::optional<int> max_items = std::nullopt) {
    ItemsQuery query;
    query.rsm = rsm;
    query.max_items = max_items;
    return cache.store.get_items(kBlog, query);
}

using Ids = std::vector<std::string>;

// Builders for the queries: GCC warns about designated initializers that skip fields.
inline RsmRequest rsm(std::optional<int> max, std::optional<std::string> after = std::nullopt,
                      std::optional<std::string> before = std::nullopt,
                      std::optional<int> index = std::nullopt) {
    return RsmRequest{max, std::move(after), std::move(before), index};
}

inline ItemsQuery with_ids(std::vector<std::string> ids) {
    ItemsQuery query;
    query.ids = std::move(ids);
    return query;
}

inline ItemsQuery latest(int max_items, ItemOrder order = ItemOrder::Server) {
    ItemsQuery query;
    query.max_items = max_items;
    query.order = order;
    return query;
}

inline SearchQuery in(ProfileScope scope, std::string text = "") {
    SearchQuery query;
    query.scope = std::move(scope);
    query.text = std::move(text);
    return query;
}

inline PurgeFilter purge_in(ProfileScope scope) {
    PurgeFilter filter;
    filter.scope = std::move(scope);
    return filter;
}

inline NodeFilter nodes_of(std::string profile) {
    NodeFilter filter;
    filter.profile = std::move(profile);
    return filter;
}

}  // namespace roost::test::store

#include "src/storage/Migrator.hpp"
#include "src/storage/SqlitePubsubStore.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace roost::pubsub;
using roost::storage::Database;
using roost::storage::MigrationSet;
using roost::storage::Migrator;
using roost::storage::SqlitePubsubStore;
using nlohmann::json;

namespace {

Database& migrated(Database& db) {
    auto migrations = MigrationSet::embedded();
    Migrator migrator(db, migrations);
    migrator.run(migrator.plan_upgrade());
    return db;
}

// A migrated in-memory database and a store over it.
struct Cache {
    Database db{std::string(Database::kInMemory)};
    SqlitePubsubStore store{migrated(db)};

    std::int64_t count(const std::string& sql) {
        return db.sqlite().execAndGet(sql).getInt64();
    }
};

const NodeKey kBlog{"alice", "pubsub.example", "urn:xmpp:microblog:0"};

StoredItem item(const std::string& id, std::int64_t created, json parsed = nullptr,
                std::string text = "") {
    StoredItem stored;
    stored.id = id;
    stored.xml = "<item id='" + id + "'><entry xmlns='http://www.w3.org/2005/Atom'><title>" +
                 id + "</title></entry></item>";
    stored.publisher = "alice@example";
    stored.parsed = std::move(parsed);
    stored.search_text = std::move(text);
    stored.created = created;
    return stored;
}

// i0 (oldest) .. i{n-1} (newest), created 1000, 1001, ...
std::vector<StoredItem> numbered(int n) {
    std::vector<StoredItem> items;
    for (int i = 0; i < n; ++i) items.push_back(item("i" + std::to_string(i), 1000 + i));
    return items;
}

std::vector<std::string> ids_of(const GetItemsAnswer& answer) {
    std::vector<std::string> ids;
    for (const auto& i : answer.page.items) ids.push_back(i.id);
    return ids;
}

GetItemsAnswer page(Cache& cache, RsmRequest rsm, std::optional<int> max_items = std::nullopt) {
    ItemsQuery query;
    query.rsm = rsm;
    query.max_items = max_items;
    return cache.store.get_items(kBlog, query);
}

using Ids = std::vector<std::string>;

// Builders for the queries: GCC warns about designated initializers that skip fields.
RsmRequest rsm(std::optional<int> max, std::optional<std::string> after = std::nullopt,
               std::optional<std::string> before = std::nullopt,
               std::optional<int> index = std::nullopt) {
    return RsmRequest{max, std::move(after), std::move(before), index};
}

ItemsQuery with_ids(std::vector<std::string> ids) {
    ItemsQuery query;
    query.ids = std::move(ids);
    return query;
}

ItemsQuery latest(int max_items, ItemOrder order = ItemOrder::Creation) {
    ItemsQuery query;
    query.max_items = max_items;
    query.order = order;
    return query;
}

SearchQuery in(ProfileScope scope, std::string text = "") {
    SearchQuery query;
    query.scope = std::move(scope);
    query.text = std::move(text);
    return query;
}

PurgeFilter purge_in(ProfileScope scope) {
    PurgeFilter filter;
    filter.scope = std::move(scope);
    return filter;
}

NodeFilter nodes_of(std::string profile) {
    NodeFilter filter;
    filter.profile = std::move(profile);
    return filter;
}

}  // namespace

TEST_CASE("storing the same item again changes nothing, not even its update time") {
    Cache cache;
    auto items = numbered(3);
    CHECK(cache.store.upsert_items(kBlog, items).changed == 3);
    auto again = cache.store.upsert_items(kBlog, items);
    CHECK(again.changed == 0);
    CHECK(again.unchanged == 3);
    CHECK(cache.count("SELECT count(*) FROM pubsub_items") == 3);
    CHECK(cache.count("SELECT sum(updated) FROM pubsub_items") == 1000 + 1001 + 1002);
}

TEST_CASE("a changed item keeps its creation time and gets a new update time") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(2));
    auto changed = item("i0", 5000);  // a server resending it with another date
    changed.xml = "<item id='i0'><entry>edited</entry></item>";
    CHECK(cache.store.upsert_items(kBlog, std::vector{changed}).changed == 1);
    CHECK(cache.count("SELECT created FROM pubsub_items WHERE item_id = 'i0'") == 1000);
    CHECK(cache.count("SELECT updated FROM pubsub_items WHERE item_id = 'i0'") > 1000000);
    auto read = cache.store.get_items(kBlog, with_ids({"i0"}));
    REQUIRE(read.page.items.size() == 1);
    CHECK(read.page.items[0].xml == changed.xml);
    CHECK(read.page.from_cache);
}

TEST_CASE("a read returns the stored XML and publisher as they were") {
    Cache cache;
    auto stored = item("x", 1, json{{"title", "t"}});
    stored.xml = "<item id='x'><raw  spacing='kept'/>&amp;</item>";
    cache.store.upsert_items(kBlog, std::vector{stored});
    auto read = cache.store.get_items(kBlog, {});
    REQUIRE(read.page.items.size() == 1);
    CHECK(read.page.items[0].xml == stored.xml);
    CHECK(read.page.items[0].publisher == "alice@example");
    CHECK_FALSE(read.page.rsm);
}

TEST_CASE("RSM pages newest first as XEP-0059 says") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(10));

    SUBCASE("the first page") {
        auto a = page(cache, rsm(3));
        CHECK(ids_of(a) == Ids{"i9", "i8", "i7"});
        CHECK(a.page.rsm->first == "i9");
        CHECK(a.page.rsm->first_index == 0);
        CHECK(a.page.rsm->last == "i7");
        CHECK(a.page.rsm->count == 10);
    }
    SUBCASE("the page after an item") {
        auto a = page(cache, rsm(3, "i7"));
        CHECK(ids_of(a) == Ids{"i6", "i5", "i4"});
        CHECK(a.page.rsm->first_index == 3);
        CHECK(a.page.rsm->last == "i4");
    }
    SUBCASE("the page before an item") {
        auto a = page(cache, rsm(3, {}, "i2"));
        CHECK(ids_of(a) == Ids{"i5", "i4", "i3"});
        CHECK(a.page.rsm->first_index == 4);
    }
    SUBCASE("before \"\" is the last page") {
        auto a = page(cache, rsm(3, {}, ""));
        CHECK(ids_of(a) == Ids{"i2", "i1", "i0"});
        CHECK(a.page.rsm->first_index == 7);
        CHECK(a.page.rsm->count == 10);
    }
    SUBCASE("an index jumps into the list; the end gives a short page") {
        auto a = page(cache, rsm(3, {}, {}, 8));
        CHECK(ids_of(a) == Ids{"i1", "i0"});
        CHECK(a.page.rsm->first_index == 8);
    }
    SUBCASE("max 0 only counts") {
        auto a = page(cache, rsm(0));
        CHECK(a.page.items.empty());
        CHECK(a.page.rsm->count == 10);
        CHECK_FALSE(a.page.rsm->first);
    }
    SUBCASE("past the end: an empty page with the count") {
        auto a = page(cache, rsm(3, "i0"));
        CHECK(a.ok());
        CHECK(a.page.items.empty());
        CHECK(a.page.rsm->count == 10);
        CHECK_FALSE(a.page.rsm->last);
    }
    SUBCASE("an unknown anchor is item-not-found, as a server answers") {
        auto a = page(cache, rsm(3, "nope"));
        REQUIRE_FALSE(a.ok());
        CHECK(a.error->condition == "item-not-found");
        CHECK(page(cache, rsm({}, {}, "nope")).error->condition == "item-not-found");
    }
    SUBCASE("walking forward visits every item once") {
        Ids seen;
        RsmRequest request = rsm(4);
        for (;;) {
            auto a = page(cache, request);
            if (a.page.items.empty()) break;
            for (auto& id : ids_of(a)) seen.push_back(id);
            request.after = a.page.rsm->last;
        }
        CHECK(seen == Ids{"i9", "i8", "i7", "i6", "i5", "i4", "i3", "i2", "i1", "i0"});
    }
}

TEST_CASE("the RSM count follows inserts, deletes, trims, purges and re-stores") {
    Cache cache;
    auto count = [&] { return *page(cache, rsm(0)).page.rsm->count; };
    cache.store.upsert_items(kBlog, numbered(10));
    cache.store.upsert_items(kBlog, numbered(10));
    CHECK(count() == 10);
    std::vector<std::string> two{"i1", "i2"};
    cache.store.delete_items(kBlog, two);
    CHECK(count() == 8);
    cache.store.trim_to_max_items(kBlog, 5);
    CHECK(count() == 5);
    cache.store.purge(purge_in(ProfileScope::only("alice")));
    CHECK(count() == 0);
    cache.store.upsert_items(kBlog, numbered(3));
    CHECK(count() == 3);
    cache.store.drop_node(kBlog);
    CHECK(count() == 0);
}

TEST_CASE("without a max, every item comes back: no hidden limit") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(1500));
    CHECK(cache.store.get_items(kBlog, {}).page.items.size() == 1500);
    auto with_rsm = page(cache, rsm({}, "i1000"));
    CHECK(with_rsm.page.items.size() == 1000);
    CHECK(with_rsm.page.rsm->first == "i999");
}

TEST_CASE("max_items keeps the most recent, and RSM pages within them") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(10));
    CHECK(ids_of(cache.store.get_items(kBlog, latest(2))) == Ids{"i9", "i8"});
    auto last = page(cache, rsm(2, {}, ""), 4);
    CHECK(ids_of(last) == Ids{"i7", "i6"});
    CHECK(last.page.rsm->count == 4);
    CHECK(last.page.rsm->first_index == 2);
    CHECK(cache.store.get_items(kBlog, latest(0)).page.items.empty());
}

TEST_CASE("item ids select items, still newest first") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(10));
    auto a = cache.store.get_items(kBlog, with_ids({"i1", "i5", "i3", "missing"}));
    CHECK(ids_of(a) == Ids{"i5", "i3", "i1"});
}

TEST_CASE("order by modification puts the last changed item first") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(5));
    auto edited = item("i0", 1000);
    edited.xml = "<item id='i0'>new</item>";
    edited.updated = 9000;
    cache.store.upsert_items(kBlog, std::vector{edited});
    CHECK(ids_of(cache.store.get_items(kBlog, latest(2))) == Ids{"i4", "i3"});
    auto by_update = cache.store.get_items(kBlog, latest(2, ItemOrder::Modification));
    CHECK(ids_of(by_update) == Ids{"i0", "i4"});
    ItemsQuery after_i0;
    after_i0.rsm = rsm(2, "i0");
    after_i0.order = ItemOrder::Modification;
    auto paged = cache.store.get_items(kBlog, after_i0);
    CHECK(ids_of(paged) == Ids{"i4", "i3"});
}

TEST_CASE("trimming keeps the most recently updated items") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(10));
    CHECK(cache.store.trim_to_max_items(kBlog, 3) == 7);
    CHECK(cache.store.item_ids(kBlog) == Ids{"i7", "i8", "i9"});
    CHECK(cache.store.trim_to_max_items(kBlog, 3) == 0);
    CHECK(cache.count("SELECT count(*) FROM pubsub_items_fts") >= 0);
}

TEST_CASE("deleting and purging items of a node") {
    Cache cache;
    cache.store.upsert_items(kBlog, numbered(5));
    std::vector<std::string> gone{"i1", "i3", "unknown"};
    CHECK(cache.store.delete_items(kBlog, gone) == 2);
    CHECK(cache.store.item_ids(kBlog) == Ids{"i0", "i2", "i4"});
    CHECK(cache.store.purge_items(kBlog) == 3);
    CHECK(cache.store.item_ids(kBlog).empty());
    CHECK(cache.store.node_state(kBlog));
}

TEST_CASE("node state is created on demand and kept per node") {
    Cache cache;
    CHECK_FALSE(cache.store.node_state(kBlog));
    cache.store.set_node(kBlog, "microblog", "blog", "");
    cache.store.set_sync_state(kBlog, SyncState::Error, "item-not-found");
    cache.store.set_subscribed(kBlog, true);
    cache.store.set_extra(kBlog, json{{"max_items", 20}});
    auto node = cache.store.node_state(kBlog);
    REQUIRE(node);
    CHECK(node->key.node == kBlog.node);
    CHECK(node->analyser == "microblog");
    CHECK(node->type == "blog");
    CHECK(node->subtype.empty());
    CHECK(node->sync_state == SyncState::Error);
    CHECK(node->sync_reason == "item-not-found");
    CHECK(node->sync_updated_at > 0);
    CHECK(node->subscribed);
    CHECK(node->extra["max_items"] == 20);
    cache.store.set_sync_state(kBlog, std::nullopt);
    CHECK_FALSE(cache.store.node_state(kBlog)->sync_state);
    CHECK(cache.count("SELECT count(*) FROM profiles WHERE name = 'alice'") == 1);
}

TEST_CASE("dropping a node takes its items and their full-text entries") {
    Cache cache;
    cache.store.upsert_items(kBlog, std::vector{item("a", 1, json{{"t", 1}}, "hello birds")});
    CHECK(cache.store.drop_node(kBlog));
    CHECK_FALSE(cache.store.drop_node(kBlog));
    CHECK(cache.count("SELECT count(*) FROM pubsub_items") == 0);
    auto found = cache.store.search(in(ProfileScope::only("alice"), "birds"));
    CHECK(found.hits.empty());
}

TEST_CASE("listing nodes filters by service, type and sync state") {
    Cache cache;
    NodeKey other{"alice", "pubsub.other", "news"};
    cache.store.set_node(kBlog, "microblog", "blog", "");
    cache.store.set_node(other, "news", "news", "");
    cache.store.set_sync_state(other, SyncState::Completed);
    CHECK(cache.store.list_nodes(nodes_of("alice")).size() == 2);
    auto blogs = nodes_of("alice");
    blogs.type = "blog";
    CHECK(cache.store.list_nodes(blogs).at(0).key.node == kBlog.node);
    auto completed = nodes_of("alice");
    completed.sync_state = SyncState::Completed;
    CHECK(cache.store.list_nodes(completed).at(0).key.service == "pubsub.other");
    CHECK(cache.store.list_nodes(nodes_of("bob")).empty());
}

TEST_CASE("two profiles caching the same node never see each other's data") {
    Cache cache;
    NodeKey bobs{"bob", kBlog.service, kBlog.node};
    cache.store.upsert_items(kBlog, std::vector{item("a", 1, json{{"t", "x"}}, "shared words")});
    cache.store.upsert_items(bobs, std::vector{item("b", 2, json{{"t", "x"}}, "shared words")});
    cache.store.set_sync_state(kBlog, SyncState::Completed);

    CHECK(cache.store.item_ids(kBlog) == Ids{"a"});
    CHECK(cache.store.item_ids(bobs) == Ids{"b"});
    CHECK(ids_of(cache.store.get_items(bobs, {})) == Ids{"b"});
    CHECK_FALSE(cache.store.node_state(bobs)->sync_state);
    CHECK(cache.store.stats(ProfileScope::only("bob")).total.items == 1);
    auto found = cache.store.search(in(ProfileScope::only("bob"), "shared"));
    REQUIRE(found.hits.size() == 1);
    CHECK(found.hits[0].key.profile == "bob");
    CHECK(cache.store.search(in(ProfileScope::all(), "shared")).hits.size() == 2);

    std::vector<std::string> a{"a"};
    CHECK(cache.store.delete_items(bobs, a) == 0);
    CHECK(cache.store.trim_to_max_items(bobs, 0) == 1);
    CHECK(cache.store.purge(purge_in(ProfileScope::only("bob"))).items == 0);
    CHECK(cache.store.drop_node(bobs));
    CHECK(cache.store.item_ids(kBlog) == Ids{"a"});
}

TEST_CASE("purge filters by age, service, node, type and profile") {
    Cache cache;
    NodeKey news{"alice", "pubsub.other", "news"};
    NodeKey bobs{"bob", kBlog.service, kBlog.node};
    for (const auto& key : {kBlog, news, bobs}) {
        cache.store.upsert_items(key, numbered(4));
        cache.store.set_sync_state(key, SyncState::Completed);
    }
    cache.store.set_node(news, "news", "news", "");

    SUBCASE("by age: only older items go, and the node is no longer complete") {
        auto old = purge_in(ProfileScope::only("alice"));
        old.node = kBlog.node;
        old.updated_before = 1002;
        auto result = cache.store.purge(old);
        CHECK(result.items == 2);
        CHECK(result.nodes == 1);
        CHECK(cache.store.item_ids(kBlog) == Ids{"i2", "i3"});
        CHECK_FALSE(cache.store.node_state(kBlog)->sync_state);
        CHECK(cache.store.node_state(kBlog)->sync_reason == "purged");
        CHECK(cache.store.node_state(news)->sync_state == SyncState::Completed);
    }
    SUBCASE("by service") {
        auto other = purge_in(ProfileScope::all());
        other.service = "pubsub.other";
        CHECK(cache.store.purge(other).items == 4);
        CHECK(cache.store.item_ids(news).empty());
        CHECK(cache.store.item_ids(kBlog).size() == 4);
    }
    SUBCASE("by type") {
        auto typed = purge_in(ProfileScope::only("alice"));
        typed.type = "news";
        CHECK(cache.store.purge(typed).items == 4);
        CHECK(cache.store.item_ids(news).empty());
    }
    SUBCASE("by profile") {
        CHECK(cache.store.purge(purge_in(ProfileScope::only("alice"))).items == 8);
        CHECK(cache.store.item_ids(bobs).size() == 4);
    }
    SUBCASE("all profiles only when asked for") {
        CHECK_THROWS_AS(cache.store.purge({}), std::invalid_argument);
        CHECK(cache.store.purge(purge_in(ProfileScope::all())).items == 12);
    }
}

TEST_CASE("reset drops every node and item") {
    Cache cache;
    cache.store.upsert_items(kBlog, std::vector{item("a", 1, json{{"t", 1}}, "words")});
    cache.store.upsert_items({"bob", "s", "n"}, numbered(3));
    cache.store.reset();
    CHECK(cache.count("SELECT count(*) FROM pubsub_nodes") == 0);
    CHECK(cache.count("SELECT count(*) FROM pubsub_items") == 0);
    CHECK(cache.store.stats(ProfileScope::all()).total.nodes == 0);
    CHECK(cache.store.search(in(ProfileScope::all(), "words")).hits.empty());
}

TEST_CASE("stats count nodes, items and bytes, by type and by sync state") {
    Cache cache;
    NodeKey news{"alice", "pubsub.other", "news"};
    auto blog_items = numbered(3);
    blog_items[0].parsed = json{{"title", "é"}};
    blog_items[0].search_text = "é";
    cache.store.upsert_items(kBlog, blog_items);
    cache.store.set_node(kBlog, "microblog", "blog", "");
    cache.store.set_sync_state(kBlog, SyncState::Completed);
    cache.store.set_node(news, "news", "news", "");
    cache.store.upsert_items({"bob", "s", "n"}, numbered(1));

    std::int64_t bytes = 0;
    for (const auto& i : blog_items) bytes += static_cast<std::int64_t>(i.xml.size());
    bytes +=
        static_cast<std::int64_t>(blog_items[0].parsed.dump().size() + std::string("é").size());

    auto stats = cache.store.stats(ProfileScope::only("alice"));
    CHECK(stats.total.nodes == 2);
    CHECK(stats.total.items == 3);
    CHECK(stats.total.bytes == bytes);
    CHECK(stats.by_type["blog"].items == 3);
    CHECK(stats.by_type["news"].nodes == 1);
    CHECK(stats.by_type["news"].items == 0);
    CHECK(stats.by_sync_state["completed"].nodes == 1);
    CHECK(stats.by_sync_state["none"].nodes == 1);
    CHECK(cache.store.stats(ProfileScope::all()).total.nodes == 3);
    CHECK_THROWS_AS(cache.store.stats({}), std::invalid_argument);
}

// ---- Search ----

namespace {

// Posts with titles, numbers, tags and authors; one item the parser gave up on.
Cache& with_posts(Cache& cache) {
    std::vector<StoredItem> posts{
        item("p1", 1, {{"title", "Roost released"}, {"likes", 10}, {"tags", {"xmpp", "c++"}},
                       {"author", {{"name", "Alice"}}}, {"published", "2024-03-01"}},
             "Roost released today, birds nest"),
        item("p2", 2, {{"title", "Nine"}, {"likes", 9}, {"tags", {"birds"}},
                       {"author", {{"name", "Bob"}}}, {"published", "2023-12-31"}},
             "nine small birds"),
        item("p3", 3, {{"title", "Hundred"}, {"likes", 100}, {"score", 2.5},
                       {"author", {{"name", "Alice"}}}, {"published", "2024-01-02"}},
             "a hundred nest builders"),
        item("p4", 4, nullptr, ""),
    };
    posts[3].parse_error = "not Atom";
    cache.store.upsert_items(kBlog, posts);
    cache.store.set_node(kBlog, "microblog", "blog", "");
    return cache;
}

Ids hit_ids(const SearchResult& result) {
    Ids ids;
    for (const auto& hit : result.hits) ids.push_back(hit.item.id);
    return ids;
}

SearchResult where(Cache& cache, std::string path, SearchOp op, json value) {
    SearchQuery query = in(ProfileScope::only("alice"));
    query.conditions.push_back({std::move(path), op, std::move(value)});
    query.order = {"created", false};
    auto result = cache.store.search(query);
    if (result.error) FAIL(result.error->message);
    return result;
}

}  // namespace

TEST_CASE("search compares numbers as numbers, and < is strict") {
    Cache cache;
    with_posts(cache);
    CHECK(hit_ids(where(cache, "likes", SearchOp::Gt, 9)) == Ids{"p1", "p3"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::Ge, 10)) == Ids{"p1", "p3"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::Lt, 10)) == Ids{"p2"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::Le, 10)) == Ids{"p1", "p2"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::Eq, 100)) == Ids{"p3"});
    CHECK(hit_ids(where(cache, "score", SearchOp::Gt, 2)) == Ids{"p3"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::Eq, "10")).empty());
}

TEST_CASE("search compares strings, nested fields, lists and substrings") {
    Cache cache;
    with_posts(cache);
    CHECK(hit_ids(where(cache, "published", SearchOp::Gt, "2024-01-01")) == Ids{"p1", "p3"});
    CHECK(hit_ids(where(cache, "author.name", SearchOp::Eq, "Alice")) == Ids{"p1", "p3"});
    CHECK(hit_ids(where(cache, "author.name", SearchOp::Ne, "Alice")) == Ids{"p2"});
    CHECK(hit_ids(where(cache, "title", SearchOp::Contains, "roost")) == Ids{"p1"});
    CHECK(hit_ids(where(cache, "tags", SearchOp::Contains, "birds")) == Ids{"p2"});
    CHECK(hit_ids(where(cache, "tags[0]", SearchOp::Eq, "xmpp")) == Ids{"p1"});
    CHECK(hit_ids(where(cache, "likes", SearchOp::In, json{9, 100})) == Ids{"p2", "p3"});
    CHECK(hit_ids(where(cache, "title", SearchOp::In, json{"Nine", "x"})) == Ids{"p2"});
    CHECK(hit_ids(where(cache, "title", SearchOp::Contains, "%")).empty());
}

TEST_CASE("items without parsed data never match a field and never break a search") {
    Cache cache;
    with_posts(cache);
    CHECK(hit_ids(where(cache, "title", SearchOp::Ne, "nothing")) == Ids{"p1", "p2", "p3"});
    auto all = cache.store.search(in(ProfileScope::only("alice")));
    REQUIRE(all.ok());
    CHECK(all.hits.size() == 4);
    CHECK(all.hits[0].item.id == "p4");  // newest update first by default
    CHECK(all.hits[0].item.parsed.is_null());
    CHECK(all.hits[0].item.parse_error == "not Atom");
    CHECK(all.hits[0].type == "blog");
}

TEST_CASE("full-text search looks at the text, not the XML markup") {
    Cache cache;
    with_posts(cache);
    auto text = [&](const std::string& words) {
        SearchQuery query = in(ProfileScope::only("alice"), words);
        query.order = {"created", false};
        return hit_ids(cache.store.search(query));
    };
    CHECK(text("birds") == Ids{"p1", "p2"});
    CHECK(text("nest birds") == Ids{"p1"});
    CHECK(text("entry").empty());  // an element name in every item's XML
    CHECK(text("title").empty());
    SearchQuery both = in(ProfileScope::only("alice"), "nest");
    both.conditions.push_back({"likes", SearchOp::Gt, 50});
    CHECK(hit_ids(cache.store.search(both)) == Ids{"p3"});
}

TEST_CASE("search orders by a field, pages, and stops at 50 by default") {
    Cache cache;
    with_posts(cache);
    SearchQuery by_likes = in(ProfileScope::only("alice"));
    by_likes.conditions.push_back({"likes", SearchOp::Ge, 0});
    by_likes.order = {"likes", true};
    CHECK(hit_ids(cache.store.search(by_likes)) == Ids{"p3", "p1", "p2"});
    by_likes.limit = 1;
    by_likes.offset = 1;
    auto second = cache.store.search(by_likes);
    CHECK(hit_ids(second) == Ids{"p1"});
    CHECK(second.more);

    NodeKey big{"alice", "s", "big"};
    std::vector<StoredItem> many;
    for (int i = 0; i < 60; ++i)
        many.push_back(item("m" + std::to_string(i), i + 1, json{{"n", i}}));
    cache.store.upsert_items(big, many);
    SearchQuery in_big = in(ProfileScope::only("alice"));
    in_big.node = "big";
    auto page = cache.store.search(in_big);
    CHECK(page.hits.size() == 50);
    CHECK(page.more);
}

TEST_CASE("a search that cannot run says why") {
    Cache cache;
    with_posts(cache);
    auto error_of = [&](SearchQuery query) {
        auto result = cache.store.search(query);
        REQUIRE_FALSE(result.ok());
        return result.error->message;
    };
    auto alice = ProfileScope::only("alice");
    CHECK(error_of({}).find("no profile") != std::string::npos);
    SearchQuery too_many = in(alice);
    too_many.limit = 5000;
    CHECK(error_of(too_many).find("limit 5000") != std::string::npos);
    CHECK(error_of(in(alice, "   ")).find("at least one word") != std::string::npos);
    SearchQuery bad_path = in(alice);
    bad_path.conditions.push_back({"title') OR 1=1 --", SearchOp::Eq, "x"});
    CHECK(error_of(bad_path).find("not a field path") != std::string::npos);
    SearchQuery bad_order = in(alice);
    bad_order.order.field = "likes desc; DROP TABLE pubsub_items";
    CHECK(error_of(bad_order).find("cannot order by") != std::string::npos);
    SearchQuery bad_compare = in(alice);
    bad_compare.conditions.push_back({"likes", SearchOp::Gt, json::array()});
    CHECK(error_of(bad_compare).find("likes >") != std::string::npos);
}

TEST_CASE("injection attempts are searched for, never run") {
    Cache cache;
    with_posts(cache);
    auto alice = ProfileScope::only("alice");
    CHECK(hit_ids(where(cache, "title", SearchOp::Eq, "x' OR '1'='1")).empty());
    CHECK(hit_ids(where(cache, "title", SearchOp::Contains, "'); DROP TABLE pubsub_items; --"))
              .empty());
    for (std::string fts : {"birds OR *", "search_text:birds", "NEAR(birds nest)", "\"birds",
                            "birds\" OR \"nine", "-birds", "^birds"}) {
        auto result = cache.store.search(in(alice, fts));
        INFO(fts);
        CHECK(result.ok());
    }
    CHECK(cache.store.search(in(alice, "birds OR nine")).hits.empty());
    CHECK(cache.store.search(in(ProfileScope::only("alice' OR 1=1 --"))).hits.empty());
    CHECK(cache.count("SELECT count(*) FROM pubsub_items") == 4);
}

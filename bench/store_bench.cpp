// SPDX-License-Identifier: MIT
// store_bench: figures for the pubsub cache's SQLite store: ingest rate against a bare
// INSERT of the same bytes, latest-20 reads, full-text, JSON-field and date search and
// `cache stats` on 100k items, and what a cache of a million items costs the calls that
// should not grow with it.
#include "src/storage/Migrator.hpp"
#include "src/storage/SearchQuery.hpp"
#include "src/storage/SqlitePubsubStore.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace roost;
using Clock = std::chrono::steady_clock;

constexpr int kReads = 200;
constexpr int kSearches = 20;

// What to run and how big; `--help` lists them.
struct Options {
    int runs = 5;
    int batch = 500;
    int ingest_items = 20000;
    int node_items = 100000;
    int scale_items = 1000000;
    bool ingest = true;
    bool reads = true;
    bool scale = false;                // only when asked: filling takes a minute
    std::vector<std::string> pragmas;  // run on every database, to compare settings
};

const char* kUsage =
    "usage: store_bench [--runs N] [--batch N] [--ingest-items N] [--node-items N]\n"
    "                   [--scale-items N] [--only ingest|reads|scale] [--pragma NAME=VALUE]...\n"
    "Prints the median of N runs (default 5) of: ingest of --ingest-items items (20000) in\n"
    "transactions of --batch items (500, one sync page) against a bare INSERT of the same\n"
    "bytes; reads and searches on a node of --node-items items (100000). --only scale:\n"
    "cache stats, a search and a read on --scale-items items (1000000) in nodes of 100.\n"
    "--pragma runs PRAGMA NAME=VALUE on every database first, to compare settings.\n";

std::optional<Options> parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        std::string name = argv[i];
        if (name == "--help" || name == "-h" || i + 1 == argc) return std::nullopt;
        std::string value = argv[++i];
        if (name == "--only") {
            if (value != "ingest" && value != "reads" && value != "scale") return std::nullopt;
            options.ingest = value == "ingest";
            options.reads = value == "reads";
            options.scale = value == "scale";
            continue;
        }
        if (name == "--pragma") {
            options.pragmas.push_back(value);
            continue;
        }
        int number = std::atoi(value.c_str());
        if (number < 1) return std::nullopt;
        if (name == "--runs")
            options.runs = number;
        else if (name == "--batch")
            options.batch = number;
        else if (name == "--ingest-items")
            options.ingest_items = number;
        else if (name == "--node-items")
            options.node_items = number;
        else if (name == "--scale-items")
            options.scale_items = number;
        else
            return std::nullopt;
    }
    return options;
}

const char* kWords[] = {"roost",  "birds", "nest", "feather", "wing",   "song",   "tree",
                        "branch", "egg",   "sky",  "xmpp",    "server", "client", "cache"};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
    return values[index];
}

// A fresh database file, migrated, removed at the end.
struct BenchDb {
    std::filesystem::path path;
    std::unique_ptr<storage::Database> db;

    BenchDb(const std::string& name, const Options& options) {
        path = std::filesystem::temp_directory_path() /
               ("roost-bench-" + std::to_string(::getpid()) + "-" + name + ".db");
        remove_files();
        db = std::make_unique<storage::Database>(path);
        for (const auto& pragma : options.pragmas) db->exec("PRAGMA " + pragma);
        auto migrations = storage::MigrationSet::embedded();
        storage::Migrator migrator(*db, migrations);
        migrator.run(migrator.plan_upgrade());
    }
    ~BenchDb() {
        db.reset();
        remove_files();
    }
    void remove_files() {
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path.string() + suffix);
    }
};

// The fields xep_0277 declares indexed (plugins/xep_0277/Xep0277Plugin.cpp), so that the
// store here costs and answers what it does in roostd.
const std::vector<pubsub::IndexedField> kBlogFields{
    {"published", pubsub::FieldIndexKind::DateTime},
    {"updated", pubsub::FieldIndexKind::DateTime},
    {"author.jid", pubsub::FieldIndexKind::Value},
    {"categories", pubsub::FieldIndexKind::List},
};

constexpr int kAuthors = 100;
constexpr int kCategories = 500;

// Item n's publication: a minute after item n-1's, from 2024-01-01.
std::string published_of(int n) {
    std::time_t time = 1704067200 + static_cast<std::time_t>(n) * 60;
    std::tm utc{};
    gmtime_r(&time, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string author_jid(int k) { return "user-" + std::to_string(k % kAuthors) + "@example.org"; }
std::string category(int k) { return "topic-" + std::to_string(k % kCategories); }

// ~500 bytes of Atom, its parsed JSON (as xep_0277 makes it, plus numbers) and its text.
pubsub::StoredItem make_item(int n, std::mt19937& random) {
    std::string text;
    for (int w = 0; w < 12; ++w) text += std::string(kWords[random() % std::size(kWords)]) + " ";
    text += "post" + std::to_string(n);
    pubsub::StoredItem item;
    item.id = "item-" + std::to_string(n);
    item.xml = "<item id='" + item.id +
               "'><entry xmlns='http://www.w3.org/2005/Atom'><title type='text'>Post number " +
               std::to_string(n) + "</title><id>tag:example.org,2024:" + item.id +
               "</id><published>" + published_of(n) + "</published><author><name>user-" +
               std::to_string(n % kAuthors) + "</name><uri>xmpp:" + author_jid(n) +
               "</uri></author><content type='text'>" + text + "</content></entry></item>";
    if (item.xml.size() < 500) item.xml.append(500 - item.xml.size(), ' ');
    int first_category = static_cast<int>(random() % kCategories);
    item.parsed = {
        {"title", "Post number " + std::to_string(n)},
        {"likes", static_cast<int>(random() % 1000)},
        {"author", {{"name", "user-" + std::to_string(n % kAuthors)}, {"jid", author_jid(n)}}},
        {"published", published_of(n)},
        {"updated", published_of(n)},
        {"categories", {category(first_category), category(first_category + 7)}}};
    item.search_text = text;
    item.publisher = "user@example.org";
    item.created = 1700000000000 + n;
    return item;
}

std::vector<pubsub::StoredItem> make_items(int count) {
    std::mt19937 random(42);
    std::vector<pubsub::StoredItem> items;
    items.reserve(static_cast<std::size_t>(count));
    for (int n = 0; n < count; ++n) items.push_back(make_item(n, random));
    return items;
}

const pubsub::NodeKey kNode{"bench", "pubsub.example.org", "urn:xmpp:microblog:0"};

// Stores `items` in pages of `batch`, one transaction each, as a sync does.
void fill(storage::SqlitePubsubStore& store, const std::vector<pubsub::StoredItem>& items,
          int batch) {
    auto page = static_cast<std::size_t>(batch);
    for (std::size_t i = 0; i < items.size(); i += page) {
        auto count = std::min(page, items.size() - i);
        store.upsert_items(kNode, std::span(items).subspan(i, count));
    }
}

double store_ingest(const std::vector<pubsub::StoredItem>& items, const Options& options,
                    std::span<const pubsub::IndexedField> fields = kBlogFields) {
    BenchDb bench("store", options);
    storage::SqlitePubsubStore store(*bench.db);
    store.index_fields(fields);
    auto start = Clock::now();
    fill(store, items, options.batch);
    return static_cast<double>(items.size()) / seconds_since(start);
}

// The floor: the same bytes through one prepared INSERT into a bare table, one
// transaction; with `fts`, its text also into an FTS5 table tokenised as the store's is
// (issue 15's floor: a cache must index its text, a bare table does not).
double raw_ingest(const std::vector<pubsub::StoredItem>& items, const Options& options,
                  bool fts = false) {
    BenchDb bench(fts ? "raw_fts" : "raw", options);
    bench.db->exec("CREATE TABLE raw (id INTEGER PRIMARY KEY, item_id TEXT, xml TEXT, "
                   "parsed TEXT, text TEXT)");
    if (fts)
        bench.db->exec("CREATE VIRTUAL TABLE raw_fts USING fts5(text, content = 'raw', "
                       "content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')");
    std::vector<std::string> parsed;
    for (const auto& item : items) parsed.push_back(item.parsed.dump());
    auto start = Clock::now();
    auto transaction = bench.db->transaction();
    auto insert =
        bench.db->prepare("INSERT INTO raw (item_id, xml, parsed, text) VALUES (?, ?, ?, ?)");
    std::optional<SQLite::Statement> index;
    if (fts) index.emplace(bench.db->prepare("INSERT INTO raw_fts (rowid, text) VALUES (?, ?)"));
    for (std::size_t i = 0; i < items.size(); ++i) {
        insert.bindNoCopy(1, items[i].id);
        insert.bindNoCopy(2, items[i].xml);
        insert.bindNoCopy(3, parsed[i]);
        insert.bindNoCopy(4, items[i].search_text);
        insert.exec();
        insert.reset();
        if (index) {
            index->bind(1, bench.db->sqlite().getLastInsertRowid());
            index->bindNoCopy(2, items[i].search_text);
            index->exec();
            index->reset();
        }
    }
    transaction.commit();
    return static_cast<double>(items.size()) / seconds_since(start);
}

// Per-call times in milliseconds of `count` calls.
std::vector<double> timed(int count, const std::function<void(int)>& call) {
    std::vector<double> times;
    for (int i = 0; i < count; ++i) {
        auto start = Clock::now();
        call(i);
        times.push_back(seconds_since(start) * 1000);
    }
    return times;
}

void ingest(const Options& options) {
    auto items = make_items(options.ingest_items);
    // The same items without text to index: what full-text indexing costs.
    auto unindexed = items;
    for (auto& item : unindexed) item.search_text.clear();
    std::vector<double> store_rates, raw_rates, raw_fts_rates, unindexed_rates, undeclared_rates,
        ratios, fts_ratios;
    // What each declared field adds: the store with that field alone declared.
    std::vector<std::vector<double>> one_field_rates(kBlogFields.size());
    for (int run = 0; run < options.runs; ++run) {
        store_rates.push_back(store_ingest(items, options));
        raw_rates.push_back(raw_ingest(items, options));
        raw_fts_rates.push_back(raw_ingest(items, options, true));
        unindexed_rates.push_back(store_ingest(unindexed, options));
        undeclared_rates.push_back(store_ingest(items, options, {}));
        for (std::size_t f = 0; f < kBlogFields.size(); ++f)
            one_field_rates[f].push_back(
                store_ingest(items, options, std::span(kBlogFields).subspan(f, 1)));
        ratios.push_back(store_rates.back() / raw_rates.back());
        fts_ratios.push_back(store_rates.back() / raw_fts_rates.back());
    }
    double raw_rate = median(raw_rates);
    std::printf("ingest %d items (~500 B XML + JSON + FTS), %d per transaction:\n",
                options.ingest_items, options.batch);
    std::printf("  store  %9.0f items/s\n  raw    %9.0f items/s (bare table, one transaction)\n",
                median(store_rates), raw_rate);
    std::printf("  store / raw = %.2f (median of the runs' ratios)\n", median(ratios));
    std::printf("  raw + FTS5 %9.0f items/s (bare table and its FTS5 index, one transaction)\n",
                median(raw_fts_rates));
    std::printf("  store / raw + FTS5 = %.2f (median of the runs' ratios)\n", median(fts_ratios));
    std::printf("  store without FTS text %9.0f items/s (%.2f of raw)\n", median(unindexed_rates),
                median(unindexed_rates) / raw_rate);
    double undeclared = median(undeclared_rates);
    std::printf("  store without declared fields %9.0f items/s (%.2f of raw)\n", undeclared,
                undeclared / raw_rate);
    for (std::size_t f = 0; f < kBlogFields.size(); ++f) {
        double rate = median(one_field_rates[f]);
        std::printf("  store with only %s declared %9.0f items/s: %+.1f us an item\n",
                    kBlogFields[f].path.c_str(), rate, (1 / rate - 1 / undeclared) * 1e6);
    }
    std::printf("\n");
}

// Two of the vocabulary's words, different for each call.
std::string two_words(int i) {
    return std::string(kWords[i % std::size(kWords)]) + " " + kWords[(i + 3) % std::size(kWords)];
}

// p50 of full-text searches of two words, 20 hits at most.
double fts_p50(storage::SqlitePubsubStore& store) {
    return percentile(timed(kSearches,
                            [&](int i) {
                                pubsub::SearchQuery query;
                                query.scope = pubsub::ProfileScope::only("bench");
                                query.text = two_words(i);
                                query.limit = 20;
                                store.search(query);
                            }),
                      0.5);
}

// p50s of searches on declared fields, limit 20, on a cache of `items` items made by
// make_item(): an author's posts (1 in kAuthors), the same since the last tenth's
// date, a category's (2 in kCategories), and ordered by the publication date.
struct DeclaredFigures {
    double author = 0, author_since = 0, category = 0, by_date = 0;
};

DeclaredFigures declared_p50s(storage::SqlitePubsubStore& store, int items) {
    auto p50 = [&](const std::function<void(pubsub::SearchQuery&, int)>& make) {
        return percentile(timed(kSearches,
                                [&](int i) {
                                    pubsub::SearchQuery query;
                                    query.scope = pubsub::ProfileScope::only("bench");
                                    query.limit = 20;
                                    make(query, i);
                                    store.search(query);
                                }),
                          0.5);
    };
    using pubsub::SearchOp;
    DeclaredFigures figures;
    figures.author = p50([](pubsub::SearchQuery& query, int i) {
        query.conditions.push_back({"author.jid", SearchOp::Eq, author_jid(i * 7)});
    });
    figures.author_since = p50([&](pubsub::SearchQuery& query, int i) {
        query.conditions.push_back({"author.jid", SearchOp::Eq, author_jid(i * 7)});
        query.conditions.push_back({"published", SearchOp::Gt, published_of(items / 10 * 9)});
    });
    figures.category = p50([](pubsub::SearchQuery& query, int i) {
        query.conditions.push_back({"categories", SearchOp::Contains, category(i * 13)});
    });
    figures.by_date = p50([](pubsub::SearchQuery& query, int) {
        query.order = {"published", true};
    });
    return figures;
}

void reads(const Options& options) {
    BenchDb bench("reads", options);
    storage::SqlitePubsubStore store(*bench.db);
    store.index_fields(kBlogFields);
    auto start = Clock::now();
    fill(store, make_items(options.node_items), options.batch);
    std::printf("filled a %d-item node in %.1f s\n\n", options.node_items, seconds_since(start));

    // Raw FTS5 in the same run: the first 20 matches in rowid order, no join.
    auto raw_fts = bench.db->prepare(
        "SELECT rowid FROM pubsub_items_fts WHERE pubsub_items_fts MATCH ? LIMIT 20");
    std::vector<double> p50s, p99s, fts, fts_raw, field, deep, instant_scan, text_scan, by_date,
        stats, by_ids, author, author_since, by_category;
    // A filter no item passes reads every row: the cost of one comparison per item.
    auto scan = [&](const char* value) {
        return percentile(
            timed(kSearches,
                  [&](int) {
                      pubsub::SearchQuery query;
                      query.scope = pubsub::ProfileScope::only("bench");
                      query.conditions.push_back({"published", pubsub::SearchOp::Gt, value});
                      query.limit = 20;
                      store.search(query);
                  }),
            0.5);
    };
    for (int run = 0; run < options.runs; ++run) {
        auto latest = timed(kReads, [&](int) {
            pubsub::ItemsQuery query;
            query.rsm = pubsub::RsmRequest{20, std::nullopt, std::nullopt, std::nullopt};
            store.get_items(kNode, query);
        });
        p50s.push_back(percentile(latest, 0.5));
        p99s.push_back(percentile(latest, 0.99));
        deep.push_back(
            percentile(timed(kReads,
                             [&](int i) {
                                 pubsub::ItemsQuery query;
                                 query.rsm = pubsub::RsmRequest{
                                     20, "item-" + std::to_string(options.node_items / 2 + i),
                                     std::nullopt, std::nullopt};
                                 store.get_items(kNode, query);
                             }),
                       0.5));
        fts.push_back(fts_p50(store));
        by_ids.push_back(
            percentile(timed(kReads,
                             [&](int i) {
                                 pubsub::ItemsQuery query;
                                 query.ids = {"item-" + std::to_string(i * 7 % options.node_items),
                                              "item-" + std::to_string(options.node_items / 2 + i)};
                                 store.get_items(kNode, query);
                             }),
                       0.5));
        fts_raw.push_back(percentile(timed(kSearches,
                                           [&](int i) {
                                               raw_fts.bind(1, storage::fts_match(two_words(i)));
                                               while (raw_fts.executeStep()) {
                                               }
                                               raw_fts.reset();
                                           }),
                                     0.5));
        field.push_back(percentile(
            timed(kSearches,
                  [&](int i) {
                      pubsub::SearchQuery query;
                      query.scope = pubsub::ProfileScope::only("bench");
                      query.conditions.push_back({"likes", pubsub::SearchOp::Ge, 990 + i % 5});
                      query.conditions.push_back({"author.name", pubsub::SearchOp::Eq, "user-7"});
                      query.limit = 20;
                      store.search(query);
                  }),
            0.5));
        stats.push_back(percentile(
            timed(kSearches, [&](int) { store.stats(pubsub::ProfileScope::all()); }), 0.5));
        auto declared = declared_p50s(store, options.node_items);
        author.push_back(declared.author);
        author_since.push_back(declared.author_since);
        by_category.push_back(declared.category);
        instant_scan.push_back(scan("2025-01-01T00:00:00Z"));
        text_scan.push_back(scan("2025-01-01"));
        by_date.push_back(percentile(timed(kSearches,
                                           [&](int) {
                                               pubsub::SearchQuery query;
                                               query.scope = pubsub::ProfileScope::only("bench");
                                               query.order = {"published", true};
                                               query.limit = 20;
                                               store.search(query);
                                           }),
                                     0.5));
    }
    std::printf("reads on a %d-item node:\n", options.node_items);
    std::printf("  latest 20 (RSM max 20, with count)  p50 %.3f ms  p99 %.3f ms\n", median(p50s),
                median(p99s));
    std::printf("  20 after an item mid-node           p50 %.3f ms\n", median(deep));
    std::printf("  two items by id (an event's read)   p50 %.3f ms\n", median(by_ids));
    std::printf("  FTS search, two words, limit 20     p50 %.3f ms\n", median(fts));
    std::printf("  raw FTS5 MATCH, first 20 rowids     p50 %.3f ms\n", median(fts_raw));
    std::printf(
        "  JSON fields likes >= N and author == x, limit 20   p50 %.3f ms (undeclared: a scan)\n",
        median(field));
    std::printf("  published > DateTime, no match (declared: index)   p50 %.3f ms\n",
                median(instant_scan));
    std::printf("  published > text, no match (every row)             p50 %.3f ms\n",
                median(text_scan));
    std::printf("  order by published desc (instants), limit 20       p50 %.3f ms\n",
                median(by_date));
    std::printf("  declared author.jid == x, limit 20                 p50 %.3f ms\n",
                median(author));
    std::printf("  declared author.jid == x and published > d, limit 20  p50 %.3f ms\n",
                median(author_since));
    std::printf("  declared categories contains x, limit 20           p50 %.3f ms\n",
                median(by_category));
    std::printf("  cache stats (nodes, items, bytes by type and state) p50 %.3f ms\n",
                median(stats));
}

// A cache grown over years: `scale_items` items in nodes of kScaleNodeItems. Figures
// machine-read by bench/write_results.py.
constexpr int kScaleNodeItems = 100;

void scale(const Options& options) {
    BenchDb bench("scale", options);
    storage::SqlitePubsubStore store(*bench.db);
    store.index_fields(kBlogFields);
    int nodes = options.scale_items / kScaleNodeItems;
    auto node = [](int k) {
        return pubsub::NodeKey{"bench", "blogs.example.org", "blog-" + std::to_string(k)};
    };
    std::mt19937 random(42);
    auto start = Clock::now();
    for (int k = 0; k < nodes; ++k) {
        std::vector<pubsub::StoredItem> items;
        for (int n = 0; n < kScaleNodeItems; ++n)
            items.push_back(make_item(k * kScaleNodeItems + n, random));
        store.upsert_items(node(k), items);
    }
    std::printf("filled %d nodes of %d items in %.1f s\n\n", nodes, kScaleNodeItems,
                seconds_since(start));
    // What `cache stats` did before the nodes kept their bytes: a read of every item.
    auto scan = bench.db->prepare(
        "SELECT count(*), total(length(CAST(raw_xml AS BLOB)) + coalesce(length(CAST(parsed AS "
        "BLOB)), 0) + coalesce(length(CAST(search_text AS BLOB)), 0)) FROM pubsub_items");
    std::vector<double> stats, listed, scans, fts, latest, author, author_since, by_category,
        by_date;
    pubsub::NodeFilter profile_nodes;
    profile_nodes.profile = "bench";
    for (int run = 0; run < options.runs; ++run) {
        stats.push_back(percentile(
            timed(kSearches, [&](int) { store.stats(pubsub::ProfileScope::all()); }), 0.5));
        // What `pubsub.cache.stats` adds for one profile: its nodes, each with its state.
        listed.push_back(percentile(timed(10, [&](int) { store.list_nodes(profile_nodes); }), 0.5));
        scans.push_back(percentile(timed(3,
                                         [&](int) {
                                             scan.executeStep();
                                             scan.reset();
                                         }),
                                   0.5));
        fts.push_back(fts_p50(store));
        latest.push_back(percentile(
            timed(kReads,
                  [&](int i) {
                      pubsub::ItemsQuery query;
                      query.rsm = pubsub::RsmRequest{20, std::nullopt, std::nullopt, std::nullopt};
                      store.get_items(node(i % nodes), query);
                  }),
            0.5));
        auto declared = declared_p50s(store, nodes * kScaleNodeItems);
        author.push_back(declared.author);
        author_since.push_back(declared.author_since);
        by_category.push_back(declared.category);
        by_date.push_back(declared.by_date);
    }
    std::printf("RESULT scale.items %d items\n", nodes * kScaleNodeItems);
    std::printf("RESULT scale.author_p50_ms %.6f ms\n", median(author));
    std::printf("RESULT scale.author_since_p50_ms %.6f ms\n", median(author_since));
    std::printf("RESULT scale.category_p50_ms %.6f ms\n", median(by_category));
    std::printf("RESULT scale.date_order_p50_ms %.6f ms\n", median(by_date));
    std::printf("RESULT scale.stats_p50_ms %.6f ms\n", median(stats));
    std::printf("RESULT scale.list_nodes_p50_ms %.6f ms\n", median(listed));
    std::printf("RESULT scale.bytes_scan_p50_ms %.6f ms\n", median(scans));
    std::printf("RESULT scale.fts_p50_ms %.6f ms\n", median(fts));
    std::printf("RESULT scale.latest20_p50_ms %.6f ms\n", median(latest));
}

}  // namespace

int main(int argc, char** argv) {
    auto options = parse_options(argc, argv);
    if (!options) {
        std::fputs(kUsage, stderr);
        return argc > 1 && std::string(argv[1]) == "--help" ? 0 : 2;
    }
    std::printf("store_bench: median of %d runs\n\n", options->runs);
    if (options->ingest) ingest(*options);
    if (options->reads) reads(*options);
    if (options->scale) scale(*options);
    return 0;
}

// SPDX-License-Identifier: MIT
// The pubsub_cache plugin's decisions, with the test playing the server (FakeXmpp):
// reads answered from the cache or by one fetch, errors per condition, retries with
// backoff, and what a reconnect syncs again.
#include "tests/support/CacheBackend.hpp"
#include "tests/support/CommitCount.hpp"
#include "tests/support/PubsubStanzas.hpp"
#include "tests/support/RunUntil.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <set>

using namespace roost;
using namespace roost::test;
namespace st = roost::test::stanza;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

// A whole sync of `node` holding `ids`, the server paging.
void complete_sync(CacheBackend& cache, const std::string& node,
                   const std::vector<std::string>& ids) {
    FakeClient& alice = *cache.alice;
    answer_subscribe(alice, node);
    std::vector<std::string> items;
    for (const auto& id : ids) items.push_back(st::item(id));
    alice.answer(
        next_items_request(alice),
        st::items(node, items, st::Rsm{ids.front(), 0, ids.back(), static_cast<int>(ids.size())}));
    cache.settle();
}

// A sync of kNotes failed by a passing error (internal-server-error): its retry is due
// in 20 ms. Returns what the sync answered.
std::shared_ptr<RecordedReply> fail_sync_for_now(CacheBackend& cache) {
    auto done = cache.sync_subscribed(kNotes);
    cache.alice->answer_error(next_items_request(*cache.alice), "internal-server-error", "wait");
    REQUIRE(done->failure);
    return done;
}

// How many subscription requests alice sent after her first `sent` stanzas.
std::size_t subscribes_since(CacheBackend& cache, std::size_t sent) {
    std::size_t asked = 0;
    for (auto n = sent; n < cache.alice->sent().size(); ++n)
        if (cache.alice->sent()[n].find("<subscribe ") != std::string::npos) ++asked;
    return asked;
}

// Waits (on the reactor) for the next subscription request, and how long it took.
std::optional<milliseconds> time_to_next_subscribe(CacheBackend& cache, milliseconds limit) {
    auto start = Clock::now();
    auto sent = cache.alice->sent().size();
    auto asked = [&] { return subscribes_since(cache, sent) > 0; };
    if (!run_until(cache.backend.reactor, asked, limit)) return std::nullopt;
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// Waits for the cache to sync `nodes` again, and answers as their server holding the
// ids given for each (one page).
void serve_resyncs(CacheBackend& cache,
                   const std::map<std::string, std::vector<std::string>>& nodes) {
    FakeClient& alice = *cache.alice;
    auto sent = alice.sent().size();
    REQUIRE(run_until(
        cache.backend.reactor, [&] { return subscribes_since(cache, sent) >= nodes.size(); },
        milliseconds(2000)));
    for (std::size_t n = 0; n < nodes.size(); ++n)
        CHECK(nodes.contains(answer_next_subscribe(alice)));
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        SentIq request = next_items_request(alice);
        const auto& ids = nodes.at(request.node());
        std::vector<std::string> items;
        for (const auto& id : ids) items.push_back(st::item(id));
        alice.answer(request,
                     st::items(request.node(), items,
                               st::Rsm{ids.front(), 0, ids.back(), static_cast<int>(ids.size())}));
    }
    cache.settle();
}

// Syncs kNotes holding n-1 and "other" holding o-1, both subscribed.
void sync_notes_and_other(CacheBackend& cache) {
    cache.sync(kNotes);
    complete_sync(cache, kNotes, {"n-1"});
    cache.sync("other");
    complete_sync(cache, "other", {"o-1"});
    while (cache.alice->waiting() > 0) cache.alice->next_iq();
}

}  // namespace

TEST_CASE("a whole-node read of a wanted node is fetched once for the read and the sync") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    auto read = cache.read(kNotes);
    // The sync subscribes first; the read's own request is the only fetch.
    answer_subscribe(alice, kNotes);
    alice.answer(alice.next_iq("items"),
                 st::items(kNotes, st::items_numbered("w", 1, 5), st::Rsm{"w-1", 0, "w-5", 5}));
    CHECK_THROWS(alice.next_iq("items"));
    REQUIRE(*read);
    CHECK((*read)->ok());
    CHECK((*read)->page.items.size() == 5);
    CHECK_FALSE((*read)->page.from_cache);
    cache.settle();
    CHECK(cache.node_state(kNotes)->sync_state == pubsub::SyncState::Completed);
    CHECK(cache.cached_ids(kNotes) == st::ids_numbered("w", 1, 5));

    // The next read is the cache's: nothing is sent.
    auto sent = alice.sent().size();
    auto again = cache.read(kNotes);
    REQUIRE(*again);
    CHECK((*again)->page.from_cache);
    CHECK((*again)->page.items.size() == 5);
    CHECK(alice.sent().size() == sent);
}

TEST_CASE("a node named otherwise is synced once its first item's payload is known") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    pubsub::Analyser by_payload;
    by_payload.name = "notes_payload";
    by_payload.payload_namespace = "urn:example:notes";
    by_payload.to_sync = true;
    cache.add_analyser(by_payload);

    auto read = cache.read("journal");
    alice.answer(alice.next_iq("items"), st::items("journal", {st::item("j-1")}));
    REQUIRE(*read);
    // The answer showed the payload: a sync of its own follows.
    answer_subscribe(alice, "journal");
    alice.answer(next_items_request(alice),
                 st::items("journal", st::items_numbered("j", 1, 2), st::Rsm{"j-1", 0, "j-2", 2}));
    cache.settle();
    CHECK(cache.node_state("journal")->analyser == "notes_payload");
    CHECK(cache.cached_ids("journal") == st::ids_numbered("j", 1, 2));
}

TEST_CASE("a permanent error drops the node and is not retried") {
    for (const char* condition : {"item-not-found", "forbidden", "not-authorized",
                                  "feature-not-implemented", "remote-server-not-found"}) {
        CAPTURE(condition);
        CacheBackend cache;
        FakeClient& alice = *cache.alice;
        auto done = cache.sync_subscribed(kNotes);
        SentIq request = next_items_request(alice);
        alice.answer_error(request, condition, "cancel");
        // feature-not-implemented is how some servers refuse RSM: asked again without it.
        while (alice.waiting() > 0) alice.answer_error(alice.next_iq("items"), condition, "cancel");
        cache.settle();
        REQUIRE(done->failure);
        CHECK(done->failure->code == rpc_error::kNotFound);
        CHECK(done->failure->message.find(condition) != std::string::npos);
        CHECK_FALSE(cache.node_state(kNotes));
        CHECK_FALSE(time_to_next_subscribe(cache, milliseconds(200)));
    }
}

TEST_CASE("a passing failure is retried with a doubling delay until it succeeds") {
    CacheBackend cache;  // first retry after 20 ms
    FakeClient& alice = *cache.alice;
    auto done = fail_sync_for_now(cache);
    CHECK(done->failure->code == rpc_error::kRemoteError);
    CHECK(cache.node_state(kNotes)->sync_state == pubsub::SyncState::Error);
    CHECK(cache.node_state(kNotes)->sync_reason.find("internal-server-error") != std::string::npos);

    auto first = time_to_next_subscribe(cache, milliseconds(2000));
    REQUIRE(first);
    CHECK(*first >= milliseconds(20));
    answer_subscribe(alice, kNotes);
    alice.answer_error(next_items_request(alice), "resource-constraint", "wait");
    auto second = time_to_next_subscribe(cache, milliseconds(2000));
    REQUIRE(second);
    CHECK(*second >= milliseconds(40));
    complete_sync(cache, kNotes, {"x-1", "x-2"});
    CHECK(cache.node_state(kNotes)->sync_state == pubsub::SyncState::Completed);
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"x-1", "x-2"});
}

TEST_CASE("a sync that gets through cancels the retry pending for its node") {
    CacheBackend cache;  // first retry after 20 ms
    fail_sync_for_now(cache);
    cache.sync(kNotes);  // before the retry is due (or joined by it)
    complete_sync(cache, kNotes, {"x-1"});
    while (cache.alice->waiting() > 0) cache.alice->next_iq();
    CHECK_FALSE(time_to_next_subscribe(cache, milliseconds(200)));
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"x-1"});
}

TEST_CASE("a lost connection fails the sync; the reconnect syncs it again, and synced nodes "
          "unless the session resumed") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    cache.sync("notes-done");
    complete_sync(cache, "notes-done", {"d-1", "d-2"});
    while (alice.waiting() > 0) alice.next_iq();

    auto done = cache.sync_subscribed(kNotes);
    next_items_request(alice);
    cache.backend.xmpp.disconnect(kAlice);
    REQUIRE(done->failure);
    CHECK(cache.node_state(kNotes)->sync_state == pubsub::SyncState::Error);
    // Offline, the retry does nothing.
    CHECK_FALSE(time_to_next_subscribe(cache, milliseconds(100)));

    SUBCASE("a new session may have missed events: both nodes are synced again") {
        cache.backend.xmpp.connect(kAlice, kAliceJid);
        std::set<std::string> resynced;
        for (int n = 0; n < 2; ++n) resynced.insert(alice.next_iq("subscribe").node());
        CHECK(resynced == std::set<std::string>{kNotes, "notes-done"});
    }
    SUBCASE("a resumed session missed nothing: only the broken sync goes again") {
        cache.backend.xmpp.resume(kAlice);
        cache.settle();
        std::set<std::string> asked;
        while (alice.waiting() > 0) asked.insert(alice.next_iq().node());
        CHECK(asked == std::set<std::string>{kNotes});
        CHECK(cache.node_state("notes-done")->sync_state == pubsub::SyncState::Completed);
    }
}

TEST_CASE("a sync in flight when the line breaks ends with its own answer if the session "
          "resumes, and goes again if it does not") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    cache.sync("notes-done");
    complete_sync(cache, "notes-done", {"d-1"});
    while (alice.waiting() > 0) alice.next_iq();
    auto done = cache.sync_subscribed(kNotes);
    SentIq request = next_items_request(alice);
    cache.backend.xmpp.drop(kAlice);
    cache.settle();
    CHECK_FALSE(done->answered());  // its request waits for the next attempt
    auto sent = alice.sent().size();

    SUBCASE("resumed: the answer comes, nothing is asked again") {
        cache.backend.xmpp.resume(kAlice);
        alice.answer(request, st::items(kNotes, {st::item("n-1")}, st::Rsm{"n-1", 0, "n-1", 1}));
        cache.settle();
        REQUIRE(done->answer);
        CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"n-1"});
        CHECK(cache.node_state(kNotes)->sync_state == pubsub::SyncState::Completed);
        CHECK(subscribes_since(cache, sent) == 0);
    }
    SUBCASE("a new session: the request fails and both nodes sync again") {
        cache.backend.xmpp.connect(kAlice, kAliceJid);
        REQUIRE(done->failure);
        std::set<std::string> resynced;
        for (int n = 0; n < 2; ++n) resynced.insert(alice.next_iq("subscribe").node());
        CHECK(resynced == std::set<std::string>{kNotes, "notes-done"});
    }
}

TEST_CASE("a first sync tells a new node; a resync tells what changed while offline") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    cache.sync(kNotes);
    complete_sync(cache, kNotes, {"r-1", "r-2", "r-3"});
    REQUIRE(cache.changes.size() == 1);
    CHECK(cache.changes[0].node.node == kNotes);
    CHECK(cache.changes[0].new_node);
    CHECK(cache.changes[0].stored.empty());
    while (alice.waiting() > 0) alice.next_iq();

    // Offline: r-2 retracted, r-3 edited, r-4 published; the reconnect resyncs.
    auto reconnect = [&] {
        cache.backend.xmpp.disconnect(kAlice);
        cache.backend.xmpp.connect(kAlice, kAliceJid);
        answer_subscribe(alice, kNotes);
        alice.answer(
            next_items_request(alice),
            st::items(kNotes, {st::item("r-1"), st::item("r-3", "edited"), st::item("r-4")},
                      st::Rsm{"r-1", 0, "r-4", 3}));
        cache.settle();
        while (alice.waiting() > 0) alice.next_iq();
    };
    reconnect();
    REQUIRE(cache.changes.size() == 2);
    const auto& resync = cache.changes[1];
    CHECK_FALSE(resync.new_node);
    CHECK(resync.stored == std::vector<std::string>{"r-3", "r-4"});
    CHECK(resync.retracted == std::vector<std::string>{"r-2"});
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"r-1", "r-3", "r-4"});

    // Nothing changed: nothing is told.
    reconnect();
    CHECK(cache.changes.size() == 2);
}

TEST_CASE("items larger than max_item_bytes are left out and the node is answered by its server") {
    CacheBackend cache(nlohmann::json{{"max_item_bytes", 300}});
    FakeClient& alice = *cache.alice;
    std::string large(400, 'x');
    cache.sync(kNotes);
    answer_subscribe(alice, kNotes);
    alice.answer(next_items_request(alice),
                 st::items(kNotes, {st::item("s-1"), st::item("big", large), st::item("s-2")},
                           st::Rsm{"s-1", 0, "s-2", 3}));
    cache.settle();
    auto node = cache.node_state(kNotes);
    REQUIRE(node);
    CHECK(node->sync_state == pubsub::SyncState::Partial);
    CHECK(node->sync_reason.find("left out 1 item larger than max_item_bytes") == 0);
    CHECK(node->sync_reason.find("'big'") != std::string::npos);
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"s-1", "s-2"});
    while (alice.waiting() > 0) alice.next_iq();
    auto read = cache.read(kNotes);
    CHECK(alice.next_iq("items").node() == kNotes);  // asked of the server

    // An event: a small item edited into a large one leaves the cache, and is told gone.
    cache.changes.clear();
    cache.inject(
        st::items_event(kService, kAliceJid, kNotes, {st::item("s-1", large), st::item("s-3")}));
    cache.settle();  // told once committed, at the end of the turn
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"s-2", "s-3"});
    REQUIRE(cache.changes.size() == 1);
    CHECK(cache.changes[0].stored == std::vector<std::string>{"s-3"});
    CHECK(cache.changes[0].retracted == std::vector<std::string>{"s-1"});
    CHECK(cache.node_state(kNotes)->sync_state == pubsub::SyncState::Partial);
}

TEST_CASE("a purge, a deletion and a retraction reach the cache") {
    CacheBackend cache;
    cache.sync(kNotes);
    complete_sync(cache, kNotes, {"p-1", "p-2", "p-3"});
    cache.inject(st::retract_event(kService, kAliceJid, kNotes, {"p-2"}));
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"p-1", "p-3"});
    cache.inject(st::purge_event(kService, kAliceJid, kNotes));
    CHECK(cache.cached_ids(kNotes).empty());
    cache.inject(st::delete_event(kService, kAliceJid, kNotes));
    CHECK_FALSE(cache.node_state(kNotes));
    // Events of a node the cache does not hold change nothing.
    cache.inject(st::items_event(kService, kAliceJid, "elsewhere", {st::item("z")}));
    CHECK_FALSE(cache.node_state("elsewhere"));
}

TEST_CASE("the events of one turn are stored with one commit and as they are one by one") {
    const std::vector<std::string> events = {
        st::items_event(kService, kAliceJid, kNotes, {st::item("e-4"), st::item("e-5")}),
        st::items_event(kService, kAliceJid, kNotes, {st::item("e-2", "edited")}),
        st::retract_event(kService, kAliceJid, kNotes, {"e-1"}),
        st::items_event(kService, kAliceJid, kNotes, {st::item("e-6", "new")}),
        st::items_event(kService, kAliceJid, kNotes, {st::item("e-4", "edited again")}),
        st::retract_event(kService, kAliceJid, kNotes, {"e-5"}),
    };
    struct Outcome {
        int commits = 0;
        std::vector<std::string> xml;  // the cache's answer, in its order
        std::size_t changes = 0;
    };
    auto apply = [&](bool one_turn) {
        CacheBackend cache;
        cache.sync(kNotes);
        complete_sync(cache, kNotes, {"e-1", "e-2", "e-3"});
        Outcome outcome;
        auto changes_before = cache.changes.size();
        {
            CommitCount count(cache.backend.database);
            for (const auto& event : events) {
                cache.inject(event);
                if (!one_turn) cache.settle();
            }
            cache.settle();
            outcome.commits = count.commits();
        }
        outcome.changes = cache.changes.size() - changes_before;
        auto read = cache.read(kNotes);
        REQUIRE(*read);
        REQUIRE((*read)->page.from_cache);
        for (const auto& item : (*read)->page.items) outcome.xml.push_back(item.xml);
        return outcome;
    };
    Outcome single = apply(false);
    Outcome batched = apply(true);
    CHECK(single.commits == static_cast<int>(events.size()));
    CHECK(batched.commits == 1);
    CHECK(batched.xml == single.xml);
    CHECK(batched.changes == single.changes);
    REQUIRE(single.xml.size() == 4);  // e-2, e-3, e-4, e-6
    CHECK(single.xml[0].find("edited") != std::string::npos);
}

TEST_CASE("a turn whose commit fails is not lost: the nodes of its events sync again") {
    CacheBackend cache;  // first retry after 20 ms
    sync_notes_and_other(cache);
    cache.changes.clear();
    {
        CommitCount count(cache.backend.database);
        count.refuse(1);  // as a full disk would: SQLite undoes the turn's writes
        cache.inject(st::items_event(kService, kAliceJid, kNotes, {st::item("n-2")}));
        cache.inject(st::items_event(kService, kAliceJid, "other", {st::item("o-2")}));
        cache.settle();
        CHECK(count.commits() == 0);
    }
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"n-1"});
    CHECK(cache.cached_ids("other") == std::vector<std::string>{"o-1"});
    CHECK(cache.changes.empty());  // nobody hears of items the cache does not hold
    serve_resyncs(cache, {{kNotes, {"n-1", "n-2"}}, {"other", {"o-1", "o-2"}}});
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"n-1", "n-2"});
    CHECK(cache.cached_ids("other") == std::vector<std::string>{"o-1", "o-2"});
    CHECK(cache.node_state(kNotes)->sync_state == pubsub::SyncState::Completed);
    // The resyncs tell what they stored.
    std::map<std::string, std::vector<std::string>> told;
    for (const auto& change : cache.changes) told[change.node.node] = change.stored;
    CHECK(told ==
          std::map<std::string, std::vector<std::string>>{{kNotes, {"n-2"}}, {"other", {"o-2"}}});
}

TEST_CASE("an event whose write fails is undone alone, and its node syncs again") {
    CacheBackend cache;  // first retry after 20 ms
    sync_notes_and_other(cache);
    // SQLite refuses this one item's row, as it would on a full disk.
    cache.backend.database.exec(
        "CREATE TEMP TRIGGER refuse_n2 BEFORE INSERT ON pubsub_items WHEN new.item_id = 'n-2' "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    cache.inject(st::items_event(kService, kAliceJid, kNotes, {st::item("n-2")}));
    cache.inject(st::items_event(kService, kAliceJid, "other", {st::item("o-2")}));
    cache.settle();
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"n-1"});
    CHECK(cache.cached_ids("other") == std::vector<std::string>{"o-1", "o-2"});
    cache.backend.database.exec("DROP TRIGGER refuse_n2");
    serve_resyncs(cache, {{kNotes, {"n-1", "n-2"}}});
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"n-1", "n-2"});
}

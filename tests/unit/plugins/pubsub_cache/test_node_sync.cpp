// SPDX-License-Identifier: MIT
// One node's sync through the real xep_0060 and pubsub_cache plugins, with the test
// playing the server (FakeXmpp): pages, servers that do not page, events that come
// meanwhile, the server's order, the cap.
#include "tests/support/CacheBackend.hpp"
#include "tests/support/PubsubStanzas.hpp"

#include <doctest/doctest.h>

using namespace roost;
using namespace roost::test;
namespace st = roost::test::stanza;

namespace {

// The <before/> of an items request: nullopt when it has none.
std::optional<std::string> before_of(const SentIq& iq) {
    auto before = iq.find("before");
    if (!before) return std::nullopt;
    return std::string(before.text().get());
}

}  // namespace

TEST_CASE("a sync pages from the last page backwards and keeps the server's order") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    auto done = cache.sync(kNotes);
    // Subscribed before anything is fetched: no publication in between is missed.
    REQUIRE(alice.waiting() == 1);
    answer_subscribe(alice, kNotes);

    SentIq last = next_items_request(alice);
    CHECK(before_of(last) == "");
    CHECK(std::string(last.find("max").text().get()) == "1000");
    alice.answer(last, st::items(kNotes, st::items_numbered("n", 1501, 2500),
                                 st::Rsm{"n-1501", 1500, "n-2500", 2500}));
    // The next page is asked for before this one is stored.
    SentIq middle = alice.next_iq("items");
    CHECK(before_of(middle) == "n-1501");
    cache.settle();
    CHECK(cache.cached_ids(kNotes).size() == 1000);
    CHECK(cache.node_state(kNotes)->sync_state == pubsub::SyncState::InProgress);

    alice.answer(middle, st::items(kNotes, st::items_numbered("n", 501, 1500),
                                   st::Rsm{"n-501", 500, "n-1500", 2500}));
    SentIq first = alice.next_iq("items");
    CHECK(before_of(first) == "n-501");
    alice.answer(first, st::items(kNotes, st::items_numbered("n", 1, 500),
                                  st::Rsm{"n-1", 0, "n-500", 2500}));
    cache.settle();

    REQUIRE(done->answered());
    REQUIRE(done->answer);
    CHECK((*done->answer)["sync_state"] == "completed");
    CHECK((*done->answer)["items"] == 2500);
    CHECK(cache.cached_ids(kNotes) == st::ids_numbered("n", 1, 2500));
    auto node = cache.node_state(kNotes);
    CHECK(node->sync_state == pubsub::SyncState::Completed);
    CHECK(node->subscribed);
    CHECK(node->analyser == "notes");
    // Progress after each stored page, with the total the server announced.
    auto progress = cache.backend.ipc.sent("pubsub.cache.progress");
    REQUIRE(progress.size() >= 3);
    CHECK(progress.back()["fetched"] == 2500);
    CHECK(progress.back()["total"] == 2500);
}

TEST_CASE("a server that does not page answers the whole node at once") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    auto done = cache.sync_subscribed(kNotes);
    // Prosody 0.12: no RSM feature, and the <set/> of the request is ignored.
    SentIq request = next_items_request(alice, {});
    alice.answer(request, st::items(kNotes, st::items_numbered("p", 1, 2300)));
    cache.settle();
    REQUIRE(done->answer);
    CHECK((*done->answer)["items"] == 2300);
    CHECK(cache.cached_ids(kNotes) == st::ids_numbered("p", 1, 2300));
    // One request, whatever the node's size.
    CHECK_THROWS(alice.next_iq("items"));
}

TEST_CASE("a server that refuses the <set/> is asked again without one") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    auto done = cache.sync_subscribed(kNotes);
    alice.answer_error(next_items_request(alice), "feature-not-implemented", "cancel");
    // Once: the fetch of everything that follows goes without it from the start.
    SentIq plain = alice.next_iq("items");
    CHECK_FALSE(plain.find("set"));
    alice.answer(plain, st::items(kNotes, st::items_numbered("r", 1, 3)));
    cache.settle();
    REQUIRE(done->answer);
    CHECK(cache.cached_ids(kNotes) == st::ids_numbered("r", 1, 3));
}

TEST_CASE("a server whose <before/> gives the first page is read forwards") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    auto done = cache.sync_subscribed(kNotes);
    // Index 0 of 1,500: this server's pages cannot be followed backwards; the plugin
    // fetches the node whole again, paging forwards from what the server says.
    alice.answer(next_items_request(alice), st::items(kNotes, st::items_numbered("f", 1, 1000),
                                                      st::Rsm{"f-1", 0, "f-1000", 1500}));
    SentIq again = alice.next_iq("items");
    alice.answer(again, st::items(kNotes, st::items_numbered("f", 1, 1000),
                                  st::Rsm{"f-1", 0, "f-1000", 1500}));
    SentIq after = alice.next_iq("items");
    CHECK(std::string(after.find("after").text().get()) == "f-1000");
    alice.answer(after, st::items(kNotes, st::items_numbered("f", 1001, 1500),
                                  st::Rsm{"f-1001", 1000, "f-1500", 1500}));
    cache.settle();
    REQUIRE(done->answer);
    CHECK(cache.cached_ids(kNotes) == st::ids_numbered("f", 1, 1500));
}

TEST_CASE("events during a sync wait for it, then apply in their order") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    auto done = cache.sync_subscribed(kNotes);
    SentIq last = next_items_request(alice);

    // Published, retracted and published again while the last page is on its way.
    cache.inject(st::items_event(kService, kAliceJid, kNotes, {st::item("e-1"), st::item("e-2")}));
    cache.inject(st::retract_event(kService, kAliceJid, kNotes, {"e-1", "s-2"}));
    cache.inject(st::items_event(kService, kAliceJid, kNotes, {st::item("s-1", "edited")}));
    CHECK(cache.cached_ids(kNotes).empty());

    alice.answer(last,
                 st::items(kNotes, st::items_numbered("s", 1, 3), st::Rsm{"s-1", 0, "s-3", 3}));
    cache.settle();
    REQUIRE(done->answer);
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"s-1", "s-3", "e-2"});
    // s-1 was published again: the server's newest item shows whether this server
    // moves it to the end (Prosody does), and the cache follows.
    SentIq newest = alice.next_iq("items");
    // A service that pages is asked for its last page of one.
    CHECK(before_of(newest) == "");
    CHECK(std::string(newest.find("max").text().get()) == "1");
    alice.answer(newest,
                 st::items(kNotes, {st::item("s-1", "edited")}, st::Rsm{"s-1", 2, "s-1", 3}));
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"s-3", "e-2", "s-1"});
}

TEST_CASE("a resync gives the node the server's order and drops what the server lost") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    cache.sync_subscribed(kNotes);
    alice.answer(next_items_request(alice),
                 st::items(kNotes, st::items_numbered("o", 1, 4), st::Rsm{"o-1", 0, "o-4", 4}));
    cache.settle();
    REQUIRE(cache.cached_ids(kNotes) == st::ids_numbered("o", 1, 4));
    cache.settle();
    while (alice.waiting() > 0) alice.next_iq();  // configuration and the like

    // Meanwhile o-1 was edited (moved to the end by this server) and o-3 retracted.
    auto done = cache.sync_subscribed(kNotes);
    alice.answer(next_items_request(alice),
                 st::items(kNotes, {st::item("o-2"), st::item("o-4"), st::item("o-1", "edited")},
                           st::Rsm{"o-2", 0, "o-1", 3}));
    cache.settle();
    REQUIRE(done->answer);
    CHECK(cache.cached_ids(kNotes) == std::vector<std::string>{"o-2", "o-4", "o-1"});
}

TEST_CASE("max_items_per_node keeps the newest items and says the node is partial") {
    CacheBackend cache(nlohmann::json{{"max_items_per_node", 1200}});
    FakeClient& alice = *cache.alice;
    auto done = cache.sync_subscribed(kNotes);
    alice.answer(next_items_request(alice), st::items(kNotes, st::items_numbered("c", 1001, 2000),
                                                      st::Rsm{"c-1001", 1000, "c-2000", 2000}));
    SentIq rest = alice.next_iq("items");
    CHECK(std::string(rest.find("max").text().get()) == "200");
    alice.answer(rest, st::items(kNotes, st::items_numbered("c", 801, 1000),
                                 st::Rsm{"c-801", 800, "c-1000", 2000}));
    cache.settle();
    REQUIRE(done->answer);
    CHECK((*done->answer)["sync_state"] == "partial");
    CHECK((*done->answer)["sync_reason"] ==
          "max_items_per_node = 1200: kept the newest 1200 items of 2000");
    CHECK(cache.cached_ids(kNotes) == st::ids_numbered("c", 801, 2000));
}

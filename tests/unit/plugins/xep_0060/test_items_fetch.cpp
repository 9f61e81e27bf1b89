// SPDX-License-Identifier: MIT
// The xep_0060 plugin's get-items workflows, with the test playing the server
// (FakeXmpp): a whole node in RSM pages, servers that cut answers short or page in
// circles, pages for a service without RSM, and answers it cannot read.
#include "tests/support/CacheBackend.hpp"
#include "tests/support/PubsubStanzas.hpp"

#include <doctest/doctest.h>

using namespace roost;
using namespace roost::test;
namespace st = roost::test::stanza;

namespace {

// A straight-to-the-server request of `node` at kService.
std::shared_ptr<std::optional<pubsub::GetItemsAnswer>> from_server(
    CacheBackend& cache, const std::string& node, pubsub::GetItemsRequest request = {}) {
    request.profile = kAlice;
    request.service = kService;
    request.node = node;
    auto slot = std::make_shared<std::optional<pubsub::GetItemsAnswer>>();
    cache.pubsub().get_items_from_server(
        std::move(request), [slot](pubsub::GetItemsAnswer answer) { *slot = std::move(answer); });
    return slot;
}

std::vector<std::string> ids_of(const pubsub::ItemsPage& page) {
    std::vector<std::string> ids;
    for (const auto& item : page.items) ids.push_back(item.id);
    return ids;
}

}  // namespace

TEST_CASE("a whole node comes in pages from the last, joined in the server's order") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    auto answer = from_server(cache, "big");
    alice.answer(alice.next_iq("items"), st::items("big", st::items_numbered("b", 1001, 1500),
                                                   st::Rsm{"b-1001", 1000, "b-1500", 1500}));
    SentIq older = alice.next_iq("items");
    CHECK(std::string(older.find("before").text().get()) == "b-1001");
    alice.answer(older, st::items("big", st::items_numbered("b", 1, 1000),
                                  st::Rsm{"b-1", 0, "b-1000", 1500}));
    REQUIRE(*answer);
    REQUIRE((*answer)->ok());
    CHECK(ids_of((*answer)->page) == st::ids_numbered("b", 1, 1500));
    REQUIRE((*answer)->page.rsm);
    CHECK((*answer)->page.rsm->count == 1500);
    CHECK((*answer)->page.rsm->first_index == 0);
}

TEST_CASE("a server that pages in circles is not followed round") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    auto answer = from_server(cache, "loop");
    auto page =
        st::items("loop", st::items_numbered("l", 1, 2), st::Rsm{"l-1", std::nullopt, "l-2", 10});
    alice.answer(alice.next_iq("items"), page);
    alice.answer(alice.next_iq("items"), page);
    REQUIRE(*answer);
    CHECK((*answer)->ok());
    CHECK(alice.waiting() == 0);
}

TEST_CASE("an answer cut short without being asked to is followed forwards") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    auto answer = from_server(cache, "cut");
    alice.answer_error(alice.next_iq("items"), "bad-request", "modify");  // refuses the <set/>
    SentIq plain = alice.next_iq("items");
    CHECK_FALSE(plain.find("set"));
    alice.answer(plain,
                 st::items("cut", st::items_numbered("c", 1, 20), st::Rsm{"c-1", 0, "c-20", 30}));
    SentIq rest = alice.next_iq("items");
    CHECK(std::string(rest.find("after").text().get()) == "c-20");
    alice.answer(
        rest, st::items("cut", st::items_numbered("c", 21, 30), st::Rsm{"c-21", 20, "c-30", 30}));
    REQUIRE(*answer);
    CHECK(ids_of((*answer)->page) == st::ids_numbered("c", 1, 30));
    // The service refused a <set/>: the next whole node is asked for without one.
    from_server(cache, "cut-too");
    CHECK_FALSE(alice.next_iq("items").find("set"));
}

TEST_CASE("a page of a service without RSM is asked for as max_items") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    pubsub::GetItemsRequest request;
    request.rsm = pubsub::RsmRequest{};
    request.rsm->max = 5;
    auto answer = from_server(cache, "small", request);
    alice.answer(alice.next_iq("query"), st::disco_info({}));
    SentIq asked = alice.next_iq("items");
    CHECK(std::string(asked.find("items").attribute("max_items").value()) == "5");
    CHECK_FALSE(asked.find("set"));
    alice.answer(asked, st::items("small", st::items_numbered("s", 6, 10)));
    REQUIRE(*answer);
    CHECK(ids_of((*answer)->page) == st::ids_numbered("s", 6, 10));
}

TEST_CASE("an answer without <items/> is a Malformed error that says so") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    auto answer = from_server(cache, "odd");
    alice.answer(alice.next_iq("items"), "<pubsub xmlns='http://jabber.org/protocol/pubsub'/>");
    REQUIRE(*answer);
    REQUIRE((*answer)->error);
    CHECK((*answer)->error->kind == XmppError::Kind::Malformed);
    CHECK((*answer)->error->message() ==
          "get items of odd at pubsub.example.org: unreadable answer (no <items/> in the answer)");
}

TEST_CASE("a request cut by a lost connection says so") {
    CacheBackend cache;
    FakeClient& alice = *cache.alice;
    pubsub::GetItemsRequest request;
    request.item_ids = {"one"};
    auto answer = from_server(cache, "slow", request);
    alice.next_iq("items");
    CHECK(alice.pending_answers() == 1);
    cache.backend.xmpp.disconnect(kAlice, "stream reset");
    REQUIRE(*answer);
    REQUIRE((*answer)->error);
    CHECK((*answer)->error->kind == XmppError::Kind::Disconnected);
    CHECK((*answer)->error->message() ==
          "get items of slow at pubsub.example.org: connection lost (stream reset)");
}

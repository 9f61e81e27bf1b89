// SPDX-License-Identifier: MIT
// RepublishOrder on a real (in-memory) store with a fake PubsubApi that records the
// requests and answers them when told: what the server's newest item teaches, and
// that a node asks once.
#include "plugins/pubsub_cache/RepublishOrder.hpp"
#include "src/core/PluginContext.hpp"
#include "tests/support/TestHost.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

using namespace roost;
using roost::test::TestBackend;
using Ids = std::vector<std::string>;

namespace {

// Answers nothing by itself: a test answers the newest-item requests one by one.
class FakePubsub final : public pubsub::PubsubApi {
public:
    bool server_pages = false;
    std::vector<pubsub::GetItemsRequest> asked;

    void get_items(pubsub::GetItemsRequest, pubsub::GetItemsCallback) override {
        FAIL("RepublishOrder reads through the cache");
    }
    void get_items_from_server(pubsub::GetItemsRequest request,
                               pubsub::GetItemsCallback done) override {
        asked.push_back(std::move(request));
        pending_.push_back(std::move(done));
    }
    void subscribe(const std::string&, const std::string&, const std::string&,
                   pubsub::DoneCallback done) override {
        done(std::nullopt);
    }
    void unsubscribe(const std::string&, const std::string&, const std::string&,
                     pubsub::DoneCallback done) override {
        done(std::nullopt);
    }
    void supports_rsm(const std::string&, const std::string&,
                      std::function<void(bool)> done) override {
        done(server_pages);
    }

    // The server's answer to the oldest unanswered request: its newest item is `id`.
    void answer_newest(const std::string& id) {
        REQUIRE_FALSE(pending_.empty());
        auto done = std::move(pending_.front());
        pending_.erase(pending_.begin());
        pubsub::GetItemsAnswer answer;
        answer.page.items.push_back({id, "<item id='" + id + "'/>", ""});
        done(std::move(answer));
    }

private:
    std::vector<pubsub::GetItemsCallback> pending_;
};

const pubsub::NodeKey kNode{"alice", "pubsub.example", "blog"};

struct Fixture {
    TestBackend backend;
    core::PluginContext host{backend.services, "pubsub_cache"};
    FakePubsub api;
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);
    cache::RepublishOrder order{host, api, alive};

    // o1, o2, o3 stored in that order.
    Fixture() { store({"o1", "o2", "o3"}); }

    void store(const Ids& ids) {
        std::vector<pubsub::StoredItem> items;
        for (const auto& id : ids) {
            pubsub::StoredItem item;
            item.id = id;
            item.xml = "<item id='" + id + "'/>";
            items.push_back(item);
        }
        backend.pubsub_store.upsert_items(kNode, items);
    }

    // An event republishing `id`, applied as the plugin does.
    void republish(const std::string& id) {
        std::vector<pubsub::Item> items{{id, "<item id='" + id + "'>edited</item>", ""}};
        auto republished = order.held_before_last(kNode, items);
        store({id});
        order.place(kNode, republished);
    }

    Ids ids() { return backend.pubsub_store.item_ids(kNode); }
    nlohmann::json extra() { return backend.pubsub_store.node_state(kNode)->extra; }
};

}  // namespace

TEST_CASE("a server whose newest item is the republished one moves such items to the end") {
    Fixture f;
    f.republish("o1");
    REQUIRE(f.api.asked.size() == 1);
    CHECK(f.api.asked[0].max_items == 1);  // Prosody pages nothing: max_items
    CHECK_FALSE(f.api.asked[0].rsm);
    CHECK(f.ids() == Ids{"o1", "o2", "o3"});  // until the server said
    f.api.answer_newest("o1");
    CHECK(f.ids() == Ids{"o2", "o3", "o1"});
    CHECK(f.extra()["republished_to_end"] == true);

    // Known from now on: no request.
    f.republish("o2");
    CHECK(f.api.asked.size() == 1);
    CHECK(f.ids() == Ids{"o3", "o1", "o2"});
}

TEST_CASE("a server whose newest item is the cache's last keeps republished items in place") {
    Fixture f;
    f.api.server_pages = true;
    f.republish("o1");
    REQUIRE(f.api.asked.size() == 1);
    REQUIRE(f.api.asked[0].rsm);  // ejabberd pages: the last page of one
    CHECK(f.api.asked[0].rsm->max == 1);
    CHECK(f.api.asked[0].rsm->before == "");
    CHECK_FALSE(f.api.asked[0].max_items);
    f.api.answer_newest("o3");
    CHECK(f.ids() == Ids{"o1", "o2", "o3"});
    CHECK(f.extra()["republished_to_end"] == false);

    f.republish("o2");
    CHECK(f.api.asked.size() == 1);
    CHECK(f.ids() == Ids{"o1", "o2", "o3"});
}

TEST_CASE("another newest item proves nothing: nothing moves and the next republication asks") {
    Fixture f;
    f.republish("o1");
    f.store({"o4"});  // published on the server before it answered
    f.api.answer_newest("o4");
    CHECK(f.ids() == Ids{"o1", "o2", "o3", "o4"});
    CHECK_FALSE(f.extra().contains("republished_to_end"));
    f.republish("o2");
    CHECK(f.api.asked.size() == 2);
}

TEST_CASE("the last item and new items need no place: no request") {
    Fixture f;
    std::vector<pubsub::Item> items{{"o3", "<item id='o3'/>", ""}, {"o9", "<item id='o9'/>", ""}};
    CHECK(f.order.held_before_last(kNode, items).empty());
    f.order.place(kNode, {});
    CHECK(f.api.asked.empty());
}

TEST_CASE("an answer after the plugin stopped does nothing") {
    Fixture f;
    f.republish("o1");
    *f.alive = false;
    f.api.answer_newest("o1");
    CHECK(f.ids() == Ids{"o1", "o2", "o3"});
    CHECK_FALSE(f.extra().contains("republished_to_end"));
}

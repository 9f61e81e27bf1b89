// SPDX-License-Identifier: MIT
// The xep_0060 plugin through a real roostd against real servers: 500 items in one
// request (Prosody) or by RSM pages (ejabberd), typed errors, events to trigger points.
#include "roost/Pubsub.hpp"
#include "src/ipc/IpcClient.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <set>
#include <thread>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;
using roost::ipc::IpcClient;

namespace {

constexpr int kItemCount = 500;
// Enough for the plugin's own fetch of every item to take more than one RSM page.
constexpr int kBeyondOnePage = roost::pubsub::kWholeNodePageSize + 100;
constexpr const char* kEventsTopic = "test.pubsub.events";

std::string item_id(int n) {
    char id[32];
    std::snprintf(id, sizeof id, "item-%03d", n);
    return id;
}

// A server with alice and bob, and a roostd with both profiles plus the test plugin
// that reports pubsub events; shared by the cases of one server (servers are slow).
template <class Server>
struct Fixture {
    Server server{XmppServerOptions{.users = {"alice", "bob"}, .admins = {"alice"}}};
    TempDir plugin_dir;
    std::unique_ptr<Daemon> daemon;
    std::unique_ptr<IpcClient> ipc;

    Fixture() {
        std::filesystem::copy_file(build_dir() / "tests" / "plugins" / "pubsub_events.so",
                                   plugin_dir / "pubsub_events.so");
        daemon =
            std::make_unique<Daemon>("plugin_dirs = [\"" + plugin_dir.path().string() + "\"]\n" +
                                     profile_toml(server, "alice") + profile_toml(server, "bob"));
        ipc = std::make_unique<IpcClient>(daemon->socket());
        wait_until_connected();
    }

    void wait_until_connected() {
        auto deadline = std::chrono::steady_clock::now() + 30s;
        while (std::chrono::steady_clock::now() < deadline) {
            int connected = 0;
            for (const auto& p : ipc->call("profile.list")) connected += p["state"] == "connected";
            if (connected == 2) return;
            std::this_thread::sleep_for(50ms);
        }
        FAIL("profiles did not connect:\n" << daemon->log());
    }

    json call(const std::string& method, json params) { return ipc->call(method, params, 60s); }

    json target(const std::string& profile, const std::string& node) {
        return {{"profile", profile}, {"service", server.pubsub_service()}, {"node", node}};
    }

    // alice creates `node` (room for all items) and publishes kItemCount items to it.
    void publish_many(const std::string& node) {
        json create = target("alice", node);
        create["config"] = {{"pubsub#max_items", std::to_string(kBeyondOnePage)}};
        call("pubsub.node.create", create);
        publish_range(node, 0, kItemCount);
    }

    void publish_range(const std::string& node, int from, int to) {
        for (int n = from; n < to; ++n) {
            json publish = target("alice", node);
            publish["item"] = item_id(n);
            publish["payload"] =
                "<entry xmlns='urn:roost:test'><n>" + std::to_string(n) + "</n></entry>";
            REQUIRE(call("pubsub.publish", publish)["item"] == item_id(n));
        }
    }

    // `roost --json pubsub get ...` as bob; the exit code and what it printed.
    std::pair<int, json> cli_get(const std::string& node, std::vector<std::string> more = {}) {
        std::vector<std::string> args{
            "--json", "pubsub", "get", "--profile", "bob", "--service", server.pubsub_service(),
            "--node", node};
        args.insert(args.end(), more.begin(), more.end());
        auto result = daemon->roost(args);
        INFO(result.err);
        return {result.exit_code, json::parse(result.out)};
    }
};

template <class Server>
Fixture<Server>& fixture() {
    static auto instance = std::make_unique<Fixture<Server>>();
    return *instance;
}

std::vector<std::string> ids_of(const json& items) {
    std::vector<std::string> ids;
    for (const auto& item : items) ids.push_back(item["id"].get<std::string>());
    return ids;
}

std::set<std::string> as_set(const std::vector<std::string>& ids) {
    return {ids.begin(), ids.end()};
}

std::vector<std::string> all_ids(int count = kItemCount) {
    std::vector<std::string> ids;
    for (int n = 0; n < count; ++n) ids.push_back(item_id(n));
    return ids;
}

// The next event reported by the test plugin for `profile` at `point`.
json next_event(IpcClient& ipc, const std::string& profile, const std::string& point) {
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto notification = ipc.next_notification(1s);
        if (!notification) continue;
        const json& event = notification->data;
        if (event["profile"] == profile && event["point"] == point) return event;
    }
    FAIL("no " << point << " event for " << profile);
    return nullptr;
}

}  // namespace

TEST_CASE("prosody: another account reads 500 published items in one request without RSM") {
    auto& f = fixture<ProsodyServer>();
    f.publish_many("big");

    json page = f.call("pubsub.get", f.target("bob", "big"));
    CHECK(page["rsm"].is_null());  // Prosody 0.12 pages nothing
    auto ids = ids_of(page["items"]);
    CHECK(ids.size() == kItemCount);
    CHECK(as_set(ids) == as_set(all_ids()));
    CHECK(page["items"][0]["xml"].get<std::string>().find("urn:roost:test") != std::string::npos);

    // Without RSM, a page size becomes max_items: the newest items.
    auto [code, limited] = f.cli_get("big", {"--max", "5"});
    CHECK(code == 0);
    CHECK(limited["items"].size() == 5);
    auto [by_id_code, by_id] = f.cli_get("big", {"--item", "item-007", "--item", "item-123"});
    CHECK(by_id_code == 0);
    CHECK(as_set(ids_of(by_id["items"])) == std::set<std::string>{"item-007", "item-123"});
}

TEST_CASE("prosody: item-not-found and forbidden come back typed through roost --json pubsub get") {
    auto& f = fixture<ProsodyServer>();
    auto [missing_code, missing] = f.cli_get("no-such-node");
    CHECK(missing_code == 4);  // kNotFound
    CHECK(missing["error"]["code"] == -32001);
    CHECK(missing["error"]["data"]["condition"] == "item-not-found");
    CHECK(missing["error"]["data"]["type"] == "cancel");

    json create = f.target("alice", "private");
    create["config"] = {{"pubsub#access_model", "whitelist"}};
    f.call("pubsub.node.create", create);
    auto [forbidden_code, forbidden] = f.cli_get("private");
    CHECK(forbidden_code == 1);  // kFailed: the server refused
    CHECK(forbidden["error"]["code"] == -32003);
    CHECK(forbidden["error"]["data"]["condition"] == "forbidden");
}

TEST_CASE("prosody: a publication, a retraction, a purge and a node deletion reach a subscriber") {
    auto& f = fixture<ProsodyServer>();
    IpcClient events(f.daemon->socket());
    events.subscribe({kEventsTopic});
    f.call("pubsub.node.create", f.target("alice", "news"));
    json subscribed = f.call("pubsub.subscribe", f.target("bob", "news"));
    CHECK(subscribed["subscription"]["subscription"] == "subscribed");

    json publish = f.target("alice", "news");
    publish["item"] = "first";
    publish["payload"] = "<entry xmlns='urn:roost:test'>hello &amp; welcome</entry>";
    f.call("pubsub.publish", publish);
    json published = next_event(events, "bob", "pubsub.event.items");
    CHECK(published["service"] == f.server.pubsub_service());
    CHECK(published["node"] == "news");
    REQUIRE(published["items"].size() == 1);
    CHECK(published["items"][0]["id"] == "first");
    CHECK(published["items"][0]["xml"].get<std::string>().find("hello &amp; welcome") !=
          std::string::npos);

    json retract = f.target("alice", "news");
    retract["item"] = "first";
    f.call("pubsub.retract", retract);
    CHECK(next_event(events, "bob", "pubsub.event.retract")["retracted"] == json{"first"});

    f.call("pubsub.node.purge", f.target("alice", "news"));
    CHECK(next_event(events, "bob", "pubsub.event.purge")["node"] == "news");
    f.call("pubsub.node.delete", f.target("alice", "news"));
    CHECK(next_event(events, "bob", "pubsub.event.delete")["node"] == "news");
}

TEST_CASE("ejabberd: another account reads 500 published items by RSM pages, in order") {
    auto& f = fixture<EjabberdServer>();
    f.publish_many("big");

    // ejabberd answers a bare RSM request with the last page: page backwards from there.
    std::vector<json> pages;
    json params = f.target("bob", "big");
    params["max"] = 100;
    params["before"] = "";
    for (int page_number = 4; page_number >= 0; --page_number) {
        json page = f.call("pubsub.get", params);
        INFO("page " << page_number);
        REQUIRE(page["items"].size() == 100);
        CHECK(page["rsm"]["count"] == kItemCount);
        CHECK(page["rsm"]["first_index"] == page_number * 100);
        CHECK(page["items"][0]["id"] == item_id(page_number * 100));
        CHECK(page["items"][99]["id"] == item_id(page_number * 100 + 99));
        pages.insert(pages.begin(), page);
        params["before"] = page["rsm"]["first"];
    }
    std::vector<std::string> paged;
    for (const auto& page : pages)
        for (const auto& id : ids_of(page["items"])) paged.push_back(id);
    CHECK(paged == all_ids());  // ejabberd keeps creation order

    params.erase("before");
    params["after"] = pages[0]["rsm"]["last"];
    json second = f.call("pubsub.get", params);
    CHECK(second["rsm"]["first_index"] == 100);
    CHECK(ids_of(second["items"]) == ids_of(pages[1]["items"]));

    // Everything at once: the plugin pages by itself and concatenates, in order.
    json everything = f.call("pubsub.get", f.target("bob", "big"));
    CHECK(ids_of(everything["items"]) == all_ids());
    CHECK(everything["rsm"]["count"] == kItemCount);
    f.publish_range("big", kItemCount, kBeyondOnePage);
    everything = f.call("pubsub.get", f.target("bob", "big"));
    CHECK(ids_of(everything["items"]) == all_ids(kBeyondOnePage));
    CHECK(everything["rsm"]["first_index"] == 0);

    auto [code, last_page] = f.cli_get("big", {"--max", "10", "--before", ""});
    CHECK(code == 0);
    CHECK(ids_of(last_page["items"]).back() == item_id(kBeyondOnePage - 1));
    auto [missing_code, missing] = f.cli_get("no-such-node");
    CHECK(missing_code == 4);
    CHECK(missing["error"]["data"]["condition"] == "item-not-found");
}

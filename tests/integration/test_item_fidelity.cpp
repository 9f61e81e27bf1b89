// SPDX-License-Identifier: MIT
// Item fidelity, on both servers: a post published by a client that is not Roost (raw
// bytes through tests/support/RawXmppClient) is answered by Roost, from the server and
// from the cache, exactly as the server holds it; a post published through Roost reaches
// the server exactly as given. Equality is canonical (tests/support/CanonicalXml).
#include "tests/support/CacheFixture.hpp"
#include "tests/support/CanonicalXml.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/RawXmppClient.hpp"
#include "tests/support/ThirdPartyPost.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace roost::test;
using nlohmann::json;

namespace {

// A blog node by its name, so the xep_0277 analyser has it cached.
constexpr const char* kNode = "urn:xmpp:microblog:0:fidelity";

std::string publish_stanza(const std::string& id, const std::string& service,
                           const std::string& item, const std::string& payload) {
    return "<iq type='set' id='" + id + "' to='" + service +
           "'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='" + kNode +
           "'><item id='" + item + "'>" + payload + "</item></publish></pubsub></iq>";
}

std::string get_stanza(const std::string& id, const std::string& service, const std::string& item) {
    return "<iq type='get' id='" + id + "' to='" + service +
           "'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='" + kNode +
           "'><item id='" + item + "'/></items></pubsub></iq>";
}

// The canonical payload of `item` in a `roost --json pubsub get` answer.
std::string payload_in(const json& answer, const std::string& item) {
    for (const auto& entry : answer["items"])
        if (entry["id"] == item)
            return canonical_payloads(entry["xml"].get<std::string>()).at(item);
    FAIL("no item " << item << " in " << answer.dump());
    return {};
}

template <class Server>
struct Fixture : CacheFixture<Server> {
    std::string service = this->server.pubsub_service();
    json blog = CacheClient::target("bob", service, kNode);

    Fixture() {
        this->start_roost();
        json create = CacheClient::target("alice", service, kNode);
        create["config"] = {{"pubsub#max_items", "100"}};
        this->roost->call("pubsub.node.create", create);
    }

    std::pair<int, json> get(std::vector<std::string> more) {
        std::vector<std::string> args{"pubsub", "get", "--service", service, "--node", kNode};
        args.insert(args.end(), more.begin(), more.end());
        return this->cli(args);
    }
};

template <class Server>
void check_fidelity() {
    Fixture<Server> f;
    RawXmppClient raw(f.server, "alice");
    auto held_by_server = [&](const std::string& item) {
        std::string id = "get-" + item;
        return canonical_payloads(raw.request(id, get_stanza(id, f.service, item))).at(item);
    };

    raw.request("publish-p1", publish_stanza("publish-p1", f.service, "p1", kThirdPartyPost));
    // The reference from here on. Servers alter a few characters themselves (both turn a
    // "&#13;" of text into a line feed, Prosody a "&#10;" of an attribute into a space),
    // but not what Roost used to lose:
    std::string held = held_by_server("p1");
    CHECK(held.find("{http://www.w3.org/XML/1998/namespace}lang=\"en\"") != std::string::npos);
    CHECK(held.find("{http://purl.org/syndication/thread/1.0}count=\"3\"") != std::string::npos);
    CHECK(held.find("strong> <") != std::string::npos);

    auto [code, from_server] = f.get({"--item", "p1", "--no-cache"});
    REQUIRE(code == 0);
    CHECK(payload_in(from_server, "p1") == held);

    auto [first_code, first] = f.get({});  // the first read: from the server, starts the sync
    REQUIRE(first_code == 0);
    CHECK(payload_in(first, "p1") == held);
    REQUIRE(f.roost->wait_state(f.blog, "completed"));
    auto [cached_code, cached] = f.get({"--item", "p1"});
    REQUIRE(cached_code == 0);
    CHECK(cached["from_cache"] == true);
    CHECK(payload_in(cached, "p1") == held);

    // The words of inline elements stay apart in the searched text.
    for (const char* query : {"fts:italic", "fts:\"bold italic\""}) {
        auto [search_code, found] = f.cli({"pubsub", "cache", "search", query});
        REQUIRE(search_code == 0);
        REQUIRE(found["hits"].size() == 1);
        CHECK(found["hits"][0]["id"] == "p1");
    }

    // Through Roost to the server: it holds the same as when a third-party client sent it.
    auto published =
        f.daemon->roost({"--json", "pubsub", "publish", "--service", f.service, "--node", kNode,
                         "--item", "p2", "--profile", "alice", kThirdPartyPost});
    INFO(published.err);
    REQUIRE(published.exit_code == 0);
    CHECK(held_by_server("p2") == held);
}

}  // namespace

TEST_CASE("prosody: a third-party post is answered and cached as the server holds it; one "
          "published through roost arrives as given") {
    check_fidelity<ProsodyServer>();
}

TEST_CASE("ejabberd: a third-party post is answered and cached as the server holds it; one "
          "published through roost arrives as given") {
    check_fidelity<EjabberdServer>();
}

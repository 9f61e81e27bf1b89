// SPDX-License-Identifier: MIT
// A network outage shorter than the server keeps a session (XEP-0198 stream management),
// on real Prosody and ejabberd: bob's stream goes through a relay that the test cuts, as a
// broken line would, while alice publishes, edits and retracts. The server holds those
// events and delivers them when roostd's stream resumes, so nothing is fetched again:
// the wire shows the <resume/> and no items request, and bob's cache equals the server's
// node (item XML canonically, the server's order).
#include "tests/support/CacheFixture.hpp"
#include "tests/support/CanonicalXml.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/RecordingRelay.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int kPostCount = 20;

// The item ids in order and each item's canonical payload.
struct NodeView {
    std::vector<std::string> ids;
    std::map<std::string, std::string> payloads;
};

NodeView view_of(const json& items) {
    NodeView view;
    for (const auto& item : items) {
        view.ids.push_back(item["id"]);
        auto payload = canonical_payloads(item["xml"].get<std::string>());
        view.payloads.insert(payload.begin(), payload.end());
    }
    return view;
}

template <class Server>
struct ResumeFixture : CacheFixture<Server> {
    RecordingRelay relay{this->server.client_port()};

    // alice straight to the server, bob through the relay.
    ResumeFixture() {
        this->daemon = std::make_unique<Daemon>(profile_toml(this->server, "alice") +
                                                profile_toml(this->server, "bob", relay.port()));
        this->roost = std::make_unique<CacheClient>(*this->daemon);
        REQUIRE(this->roost->wait_connected(2));
        // libstrophe reports the stream up once bound, right after it asks the server to
        // enable stream management: a line broken before the <enabled/> comes cannot be
        // resumed. The answer to a request sent after it comes after it.
        this->roost->call("pubsub.subscriptions",
                          {{"profile", "bob"}, {"service", this->server.pubsub_service()}});
    }

    json target(const std::string& profile) {
        return CacheClient::target(profile, this->server.pubsub_service(), kMicroblog);
    }

    void publish(int n, const std::string& payload) {
        REQUIRE(this->roost->publish(target("alice"), post_id(n), payload)["item"] == post_id(n));
    }

    std::string bob_state() {
        for (const auto& p : this->roost->call("profile.list", nullptr))
            if (p["profile"] == "bob") return p["state"];
        return "";
    }
};

template <class Server>
void check_outage_resumes() {
    ResumeFixture<Server> f;
    auto& roost = *f.roost;
    json create = f.target("alice");
    create["config"] = {{"pubsub#max_items", "1000"}};
    roost.call("pubsub.node.create", create);
    for (int n = 0; n < kPostCount; ++n) f.publish(n, atom_post(n));
    // bob's first read syncs the node and subscribes to it.
    roost.get(f.target("bob"));
    REQUIRE_MESSAGE(roost.wait_state(f.target("bob"), "completed"), f.daemon->log());
    // A second session on the same connection: libstrophe 0.12 numbers its stanzas on
    // from the first one's, so that, resumed, it would send many of them again (these
    // reads of the server's node among them).
    for (int n = 0; n < 10; ++n) roost.get(f.target("bob"), true);
    roost.call("profile.disconnect", {{"profile", "bob"}});
    REQUIRE(poll_until(10s, [&] { return f.bob_state() == "disconnected"; }));
    roost.call("profile.connect", {{"profile", "bob"}});
    REQUIRE(poll_until(20s, [&] {
        return count_of(f.daemon->log(), "(bob): completed (" + std::to_string(kPostCount)) == 2;
    }));

    f.relay.cut();
    REQUIRE(poll_until(10s, [&] { return f.bob_state() != "connected"; }));
    f.publish(kPostCount, atom_post(kPostCount));
    f.publish(5, atom_post(105));  // an edit
    json retract = f.target("alice");
    retract["item"] = post_id(10);
    roost.call("pubsub.retract", retract);
    auto sent_before = f.relay.client_bytes().size();
    f.relay.restore();

    REQUIRE_MESSAGE(roost.wait_connected(2), f.daemon->log());
    CHECK(count_of(f.daemon->log(), "session resumed") == 1);
    auto cached_view = [&] {
        return view_of(roost.call("pubsub.cache.get", f.target("bob"))["items"]);
    };
    auto caught_up = [&] {
        NodeView view = cached_view();
        auto edited = view.payloads.find(post_id(5));
        // And the edited item in the server's place: the cache asks the server where it
        // puts an edited item (plugins/pubsub_cache/RepublishOrder) and logs what it learnt.
        return view.ids.size() == kPostCount && view.payloads.contains(post_id(kPostCount)) &&
               edited != view.payloads.end() && edited->second == canonical_xml(atom_post(105)) &&
               f.daemon->log().find("republished items") != std::string::npos;
    };
    REQUIRE_MESSAGE(poll_until(10s, caught_up), f.daemon->log());
    // What roostd sent since the line came back, before the test's own read of the server.
    std::string wire = f.relay.client_bytes().substr(sent_before);
    INFO(wire);
    CHECK(wire.find("<resume") != std::string::npos);
    // No resync: the only items request is for the newest item, to learn where the server
    // puts an edited item (plugins/pubsub_cache/RepublishOrder).
    CHECK(count_of(wire, "<items ") == count_of(wire, "max_items=\"1\""));
    CHECK(wire.find("<set xmlns=\"http://jabber.org/protocol/rsm\"") == std::string::npos);
    CHECK(wire.find("<presence") == std::string::npos);

    NodeView server = view_of(roost.get(f.target("bob"), true)["items"]);
    NodeView cached = cached_view();
    CHECK(server.ids.size() == kPostCount);
    CHECK(cached.ids == server.ids);
    CHECK(cached.payloads == server.payloads);
    CHECK(roost.node_state(f.target("bob"))["sync_state"] == "completed");
}

// bob publishes; the line breaks before the server's answer reaches roostd. The session
// resumes, and the server sends the answer again: the publication is reported done, as
// it is (failed at the break, it would have been carried out all the same).
template <class Server>
void check_request_in_flight_is_answered() {
    ResumeFixture<Server> f;
    json own = CacheClient::target("bob", "", std::string(kMicroblog) + ":in-flight");  // PEP
    f.relay.stall_servers();
    std::optional<json> answer;
    std::string failure;
    std::thread publisher([&] {
        CacheClient client(*f.daemon);
        try {
            answer = client.publish(own, "during-the-outage", atom_post(1));
        } catch (const std::exception& e) {
            failure = e.what();
        }
    });
    bool sent = poll_until(
        10s, [&] { return f.relay.client_bytes().find("during-the-outage") != std::string::npos; });
    f.relay.cut();
    f.relay.restore();
    publisher.join();
    REQUIRE(sent);
    CHECK(count_of(f.daemon->log(), "session resumed") == 1);
    NodeView server = view_of(f.roost->get(own, true)["items"]);
    CHECK(server.ids == std::vector<std::string>{"during-the-outage"});  // carried out
    INFO(failure);
    REQUIRE_MESSAGE(answer, f.daemon->log());  // and said so
    CHECK((*answer)["item"] == "during-the-outage");
}

}  // namespace

TEST_CASE("prosody: a request in flight when the line breaks gets its answer once resumed") {
    check_request_in_flight_is_answered<ProsodyServer>();
}

TEST_CASE("ejabberd: a request in flight when the line breaks gets its answer once resumed") {
    check_request_in_flight_is_answered<EjabberdServer>();
}

TEST_CASE("prosody: a short outage resumes the session; its events arrive, nothing is refetched") {
    check_outage_resumes<ProsodyServer>();
}

TEST_CASE("ejabberd: a short outage resumes the session; its events arrive, nothing is refetched") {
    check_outage_resumes<EjabberdServer>();
}

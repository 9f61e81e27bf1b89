// SPDX-License-Identifier: MIT
// The roster plugin against real servers: contacts added, renamed, grouped and removed,
// presence subscriptions asked, approved and denied, and a roster changed by another
// client while roostd was down. Prosody versions rosters (XEP-0237); ejabberd, as
// configured by default (mod_roster versioning: false), does not.
#include "tests/support/CacheFixture.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/RawXmppClient.hpp"
#include "tests/support/TimeScale.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

using namespace roost::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

template <class Server>
struct RosterFixture : CacheFixture<Server> {
    RosterFixture() : CacheFixture<Server>({.users = {"alice", "bob", "carol", "dave", "erin"}}) {
        this->start_roost();
    }

    std::string jid(const std::string& user) const { return user + "@" + this->server.domain(); }

    json roster(const std::string& profile) {
        return this->roost->call("roster.list", {{"profile", profile}});
    }

    // roster.list of `profile` once `done` holds of it; fails the test after 20 s (scaled).
    json roster_when(const std::string& profile, const std::function<bool(const json&)>& done) {
        auto deadline = std::chrono::steady_clock::now() + scaled(20s);
        json current = roster(profile);
        while (!done(current) && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(50ms);
            current = roster(profile);
        }
        INFO(profile, "'s roster: ", current.dump());
        REQUIRE(done(current));
        return current;
    }

    // `roost ARGS... --profile PROFILE`, which must succeed; what it printed.
    std::string cli(const std::string& profile, std::vector<std::string> args) {
        args.insert(args.end(), {"--profile", profile});
        auto result = this->daemon->roost(args);
        INFO("roost ", args.front(), " ", args[1], ": ", result.err);
        REQUIRE(result.exit_code == 0);
        return result.out;
    }

    // Restarts roostd after `while_down`, and waits for both profiles.
    void restart_roost(const std::function<void()>& while_down) {
        this->roost.reset();
        REQUIRE(this->daemon->terminate() == 0);
        while_down();
        this->daemon->restart();
        this->roost = std::make_unique<CacheClient>(*this->daemon);
        REQUIRE(this->roost->wait_connected(2));
    }
};

// The item of `jid` in a roster.list answer, or null.
json item_of(const json& roster, const std::string& jid) {
    for (const auto& item : roster["items"])
        if (item["jid"] == jid) return item;
    return nullptr;
}

json request_of(const json& roster, const std::string& jid) {
    for (const auto& request : roster["requests"])
        if (request["jid"] == jid) return request;
    return nullptr;
}

RosterFixture<ProsodyServer>& prosody() {
    static auto instance = std::make_unique<RosterFixture<ProsodyServer>>();
    return *instance;
}

RosterFixture<EjabberdServer>& ejabberd() {
    static auto instance = std::make_unique<RosterFixture<EjabberdServer>>();
    return *instance;
}

template <class Server>
void contacts_and_subscriptions(RosterFixture<Server>& f) {
    const std::string bob = f.jid("bob"), alice = f.jid("alice"), carol = f.jid("carol");
    f.cli("alice", {"roster", "add", bob, "--name", "Bob", "--group", "Friends"});
    f.roster_when("alice", [&](const json& r) {
        json item = item_of(r, bob);
        return item.is_object() && item["name"] == "Bob" && item["groups"] == json{"Friends"} &&
               item["subscription"] == "none";
    });

    // Alice asks; bob's raw client (available) and bob's profile in roostd both see it.
    RawXmppClient bob_elsewhere(f.server, "bob", "elsewhere");
    bob_elsewhere.send("<presence/>");
    bob_elsewhere.request("ping1", "<iq type='get' id='ping1'><ping xmlns='urn:xmpp:ping'/></iq>");
    f.cli("alice", {"roster", "subscribe", bob, "--message", "it is alice"});
    f.roster_when("alice", [&](const json& r) { return item_of(r, bob)["ask"] == "subscribe"; });
    json asked =
        f.roster_when("bob", [&](const json& r) { return request_of(r, alice).is_object(); });
    CHECK(request_of(asked, alice)["message"] == "it is alice");
    CHECK(bob_elsewhere.wait_for("presence", "subscribe").raw.find(alice) != std::string::npos);

    f.cli("bob", {"roster", "approve", alice});
    f.roster_when("alice", [&](const json& r) {
        return item_of(r, bob)["subscription"] == "to" && item_of(r, bob)["ask"].is_null();
    });
    f.roster_when("bob", [&](const json& r) {
        return r["requests"].empty() && item_of(r, alice)["subscription"] == "from";
    });

    // Rename keeps the groups; groups keep the name.
    f.cli("alice", {"roster", "rename", bob, "Robert"});
    f.roster_when("alice", [&](const json& r) {
        return item_of(r, bob)["name"] == "Robert" && item_of(r, bob)["groups"] == json{"Friends"};
    });
    f.cli("alice", {"roster", "groups", bob, "Work", "Family"});
    json grouped = f.roster_when("alice", [&](const json& r) {
        return item_of(r, bob)["groups"] == json{"Family", "Work"};
    });
    CHECK(item_of(grouped, bob)["name"] == "Robert");
    std::string listed = f.cli("alice", {"roster", "list"});
    CHECK(listed.find(bob + "  Robert  to  [Family, Work]") != std::string::npos);

    // Carol asks; alice denies; carol hears it (as a resource that asked for its roster:
    // RFC 6121 §3.2.3 delivers it to those alone).
    RawXmppClient carol_client(f.server, "carol");
    carol_client.request("roster",
                         "<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>");
    carol_client.send("<presence/>");
    carol_client.send("<presence to='" + alice + "' type='subscribe'/>");
    f.roster_when("alice", [&](const json& r) { return request_of(r, carol).is_object(); });
    f.cli("alice", {"roster", "deny", carol});
    f.roster_when("alice", [&](const json& r) { return request_of(r, carol).is_null(); });
    CHECK(carol_client.wait_for("presence", "unsubscribed").raw.find(alice) != std::string::npos);

    // Removing ends the subscription for both.
    f.cli("alice", {"roster", "remove", bob});
    f.roster_when("alice", [&](const json& r) { return item_of(r, bob).is_null(); });
    f.roster_when("bob", [&](const json& r) {
        json item = item_of(r, alice);
        return item.is_null() || item["subscription"] == "none";
    });
}

// Another client of alice's changes her roster, and dave asks, while roostd is down. (Erin
// is added, not dave: ejabberd leaves out of a roster the contacts that only asked.)
template <class Server>
void changed_while_down(RosterFixture<Server>& f, bool versioned) {
    const std::string carol = f.jid("carol"), dave = f.jid("dave"), erin = f.jid("erin");
    f.cli("alice", {"roster", "add", carol, "--name", "C1"});
    f.roster_when("alice", [&](const json& r) { return item_of(r, carol)["name"] == "C1"; });
    json before = f.roster("alice");
    CHECK(before["version"].is_null() == !versioned);

    f.restart_roost([&] {
        RawXmppClient other(f.server, "alice", "other");
        other.request("r1", "<iq type='set' id='r1'><query xmlns='jabber:iq:roster'><item jid='" +
                                carol + "' name='C2'><group>Book club</group></item></query></iq>");
        other.request("r2", "<iq type='set' id='r2'><query xmlns='jabber:iq:roster'><item jid='" +
                                erin + "' name='Erin'/></query></iq>");
        RawXmppClient dave_client(f.server, "dave");
        dave_client.send("<presence to='" + f.jid("alice") + "' type='subscribe'/>");
        dave_client.request("ping", "<iq type='get' id='ping'><ping xmlns='urn:xmpp:ping'/></iq>");
    });
    json after = f.roster_when("alice", [&](const json& r) {
        return item_of(r, carol)["name"] == "C2" && item_of(r, erin)["name"] == "Erin" &&
               request_of(r, dave).is_object();
    });
    CHECK(item_of(after, carol)["groups"] == json{"Book club"});
    if (versioned) CHECK(after["version"] != before["version"]);
    CHECK(after["version"].is_null() == !versioned);

    // Nothing changed: a versioning server says so instead of sending the roster again.
    f.restart_roost([] {});
    json same = f.roster_when("alice", [&](const json& r) { return r["connected"] == true; });
    std::this_thread::sleep_for(scaled(1s));  // the fetch's answer
    CHECK(f.roster("alice")["items"] == after["items"]);
    std::string log = f.daemon->log();
    CHECK((log.find("roster is unchanged since version") != std::string::npos) == versioned);

    // Offline, the stored roster answers.
    f.roost->call("profile.disconnect", {{"profile", "alice"}});
    json offline = f.roster_when("alice", [&](const json& r) { return r["connected"] == false; });
    CHECK(offline["items"] == after["items"]);
    CHECK(request_of(offline, dave).is_object());
    f.roost->call("profile.connect", {{"profile", "alice"}});
    REQUIRE(f.roost->wait_connected(2));
}

}  // namespace

TEST_CASE("prosody: contacts added, renamed, grouped, removed; subscriptions asked, approved, "
          "denied") {
    contacts_and_subscriptions(prosody());
}

TEST_CASE("prosody: a roster changed elsewhere while roostd was down, versioned resync") {
    changed_while_down(prosody(), true);
}

TEST_CASE("ejabberd: contacts added, renamed, grouped, removed; subscriptions asked, approved, "
          "denied") {
    contacts_and_subscriptions(ejabberd());
}

TEST_CASE("ejabberd: a roster changed elsewhere while roostd was down, unversioned resync") {
    changed_while_down(ejabberd(), false);
}

// SPDX-License-Identifier: MIT
// IqTracker on a real Reactor: answers matched by id and sender, typed errors, timeouts,
// and every pending request failed exactly once when the connection goes down.
#include "src/reactor/Reactor.hpp"
#include "src/xmpp/IqTracker.hpp"
#include "src/xmpp/Stanza.hpp"
#include "tests/support/RunUntil.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <vector>

using namespace std::chrono_literals;
using namespace roost;
using roost::reactor::Reactor;
using roost::xmpp::IqTracker;

namespace {

constexpr const char* kOwn = "alice@localhost";

auto stanza(const std::string& xml) { return xmpp::parse_xml(xml); }

}  // namespace

TEST_CASE("an unanswered request times out with Kind::Timeout, once") {
    Reactor reactor;
    IqTracker tracker(reactor);
    std::vector<IqAnswer> answers;
    tracker.track(tracker.next_id(), "localhost", "disco#info of localhost", 30ms,
                  [&](IqAnswer a) { answers.push_back(std::move(a)); });
    REQUIRE(test::run_until(
        reactor, [&] { return !answers.empty(); }, 2s));
    reactor.run_once(50ms);
    REQUIRE(answers.size() == 1);
    REQUIRE(answers[0].error);
    CHECK(answers[0].error->kind == XmppError::Kind::Timeout);
    CHECK(answers[0].error->request == "disco#info of localhost");
    CHECK(answers[0].error->message() == "disco#info of localhost: no answer in time");
    CHECK(tracker.pending() == 0);
}

TEST_CASE("a result from the peer resolves the request and cancels its timeout") {
    Reactor reactor;
    IqTracker tracker(reactor);
    std::optional<IqAnswer> answer;
    int calls = 0;
    std::string id = tracker.next_id();
    tracker.track(id, "localhost", "ping", 50ms, [&](IqAnswer a) {
        ++calls;
        answer = std::move(a);
    });
    CHECK(tracker.resolve(stanza("<iq type='result' id='" + id + "' from='localhost'/>"), kOwn));
    reactor.run_once(100ms);  // past the timeout: it must not fire
    CHECK(calls == 1);
    REQUIRE(answer);
    CHECK(answer->ok());
    CHECK(std::string(answer->iq().attribute("id").value()) == id);
    CHECK(reactor.timer_count() == 0);
}

TEST_CASE("an answer from the wrong 'from' is ignored and the request keeps waiting") {
    Reactor reactor;
    IqTracker tracker(reactor);
    int calls = 0;
    std::string id = tracker.next_id();
    tracker.track(id, "bob@localhost/phone", "disco#info of bob", 1s, [&](IqAnswer) { ++calls; });
    CHECK_FALSE(tracker.resolve(
        stanza("<iq type='result' id='" + id + "' from='mallory@localhost/x'/>"), kOwn));
    CHECK_FALSE(tracker.resolve(stanza("<iq type='result' id='" + id + "'/>"), kOwn));
    CHECK_FALSE(
        tracker.resolve(stanza("<iq type='result' id='other' from='bob@localhost/phone'/>"), kOwn));
    CHECK(calls == 0);
    CHECK(tracker.pending() == 1);
    CHECK(tracker.resolve(stanza("<iq type='result' id='" + id + "' from='bob@localhost/phone'/>"),
                          kOwn));
    CHECK(calls == 1);
}

TEST_CASE("a request to our own account accepts no 'from', our bare JID or our server") {
    Reactor reactor;
    IqTracker tracker(reactor);
    int calls = 0;
    for (const char* from :
         {"", " from='alice@localhost'", " from='localhost'", " from='alice@localhost/roost'"}) {
        std::string id = tracker.next_id();
        tracker.track(id, "", "roster", 1s, [&](IqAnswer a) { calls += a.ok(); });
        CHECK(tracker.resolve(stanza("<iq type='result' id='" + id + "'" + from + "/>"), kOwn));
    }
    std::string id = tracker.next_id();
    tracker.track(id, "", "roster", 1s, [&](IqAnswer) { ++calls; });
    CHECK_FALSE(
        tracker.resolve(stanza("<iq type='result' id='" + id + "' from='bob@localhost'/>"), kOwn));
    CHECK(calls == 4);
}

TEST_CASE("an error IQ gives Kind::Remote with its condition, type and text") {
    Reactor reactor;
    IqTracker tracker(reactor);
    std::optional<IqAnswer> answer;
    std::string id = tracker.next_id();
    tracker.track(id, "pubsub.localhost", "get items of n at pubsub.localhost", 1s,
                  [&](IqAnswer a) { answer = std::move(a); });
    CHECK(tracker.resolve(
        stanza("<iq type='error' id='" + id +
               "' from='pubsub.localhost'><error type='cancel'>"
               "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
               "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>No such node</text>"
               "</error></iq>"),
        kOwn));
    REQUIRE(answer);
    REQUIRE(answer->error);
    CHECK(answer->error->kind == XmppError::Kind::Remote);
    CHECK(answer->error->condition == "item-not-found");
    CHECK(answer->error->type == "cancel");
    CHECK(answer->error->text == "No such node");
    CHECK(answer->error->message() ==
          "get items of n at pubsub.localhost: item-not-found (cancel): No such node");
}

TEST_CASE("an error IQ without a known condition reads as undefined-condition") {
    Reactor reactor;
    IqTracker tracker(reactor);
    std::optional<IqAnswer> answer;
    std::string id = tracker.next_id();
    tracker.track(id, "localhost", "x", 1s, [&](IqAnswer a) { answer = std::move(a); });
    CHECK(tracker.resolve(stanza("<iq type='error' id='" + id + "' from='localhost'/>"), kOwn));
    REQUIRE(answer);
    REQUIRE(answer->error);
    CHECK(answer->error->condition == "undefined-condition");
}

TEST_CASE("fail_all gives Kind::Disconnected to every pending request exactly once") {
    Reactor reactor;
    IqTracker tracker(reactor);
    std::vector<XmppError> errors;
    for (int i = 0; i < 3; ++i)
        tracker.track(tracker.next_id(), "localhost", "request " + std::to_string(i), 40ms,
                      [&](IqAnswer a) { errors.push_back(*a.error); });
    tracker.fail_all("server went away");
    tracker.fail_all("again");
    reactor.run_once(80ms);  // past the timeouts: none may fire now
    REQUIRE(errors.size() == 3);
    for (const auto& e : errors) {
        CHECK(e.kind == XmppError::Kind::Disconnected);
        CHECK(e.text == "server went away");
    }
    CHECK(tracker.pending() == 0);
    CHECK(reactor.timer_count() == 0);
}

TEST_CASE("a callback may track a new request while being resolved") {
    Reactor reactor;
    IqTracker tracker(reactor);
    int calls = 0;
    std::string first = tracker.next_id();
    tracker.track(first, "localhost", "first", 1s, [&](IqAnswer) {
        ++calls;
        tracker.track(tracker.next_id(), "localhost", "second", 1s, [&](IqAnswer) { ++calls; });
    });
    tracker.fail_all("down");
    CHECK(calls == 1);
    CHECK(tracker.pending() == 1);
    tracker.fail_all("down");
    CHECK(calls == 2);
}

TEST_CASE("ids are unique") {
    Reactor reactor;
    IqTracker tracker(reactor);
    std::set<std::string> ids;
    for (int i = 0; i < 100; ++i) ids.insert(tracker.next_id());
    CHECK(ids.size() == 100);
}

// SPDX-License-Identifier: MIT
#include "src/core/TriggerManager.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace roost;
using roost::core::TriggerManager;

namespace {

// Records, in order, which handlers ran and whether the workflow went on.
struct Trace : TriggerContext {
    std::vector<std::string> ran;
    bool proceeded = false;
};

TriggerHandler note(const std::string& name, TriggerDecision decision = TriggerDecision::Continue) {
    return [name, decision](TriggerContext& context, const TriggerResume&) {
        static_cast<Trace&>(context).ran.push_back(name);
        return decision;
    };
}

// A handler that keeps its resume in `into` and answers `decision`: with Later, the test
// resumes the chain itself, through `into`.
TriggerHandler keep_resume(TriggerResume& into, TriggerDecision decision = TriggerDecision::Later) {
    return [&into, decision](TriggerContext&, const TriggerResume& resume) {
        into = resume;
        return decision;
    };
}

// Dispatches test.point; how many times the workflow proceeds is counted in `proceeded`.
void run_counting(TriggerManager& triggers, Trace& trace, int& proceeded) {
    triggers.dispatch("test.point", trace, [&proceeded] { ++proceeded; });
}

void run(TriggerManager& triggers, Trace& trace, std::string_view point = "test.point") {
    triggers.dispatch(point, trace, [&trace] { trace.proceeded = true; });
}

using Ran = std::vector<std::string>;

}  // namespace

TEST_CASE("handlers run highest priority first and the workflow proceeds after them") {
    TriggerManager triggers;
    triggers.add("test.point", note("low"), -5);
    triggers.add("test.point", note("high"), 10);
    triggers.add("test.point", note("default"));
    Trace trace;
    run(triggers, trace);
    CHECK(trace.ran == Ran{"high", "default", "low"});
    CHECK(trace.proceeded);
}

TEST_CASE("handlers of equal priority run in the order they were added") {
    TriggerManager triggers;
    triggers.add("test.point", note("first"), 1);
    triggers.add("test.point", note("top"), 2);
    triggers.add("test.point", note("second"), 1);
    triggers.add("test.point", note("third"), 1);
    Trace trace;
    run(triggers, trace);
    CHECK(trace.ran == Ran{"top", "first", "second", "third"});
}

TEST_CASE("a point without handlers proceeds at once and other points are not run") {
    TriggerManager triggers;
    triggers.add("test.other", note("other"));
    Trace trace;
    run(triggers, trace);
    CHECK(trace.ran.empty());
    CHECK(trace.proceeded);
}

TEST_CASE("a handler that takes over stops the later handlers and the workflow") {
    TriggerManager triggers;
    triggers.add("test.point", note("cache", TriggerDecision::TakeOver), 10);
    triggers.add("test.point", note("after"));
    Trace trace;
    run(triggers, trace);
    CHECK(trace.ran == Ran{"cache"});
    CHECK_FALSE(trace.proceeded);
}

TEST_CASE("a removed handler no longer runs and removing an unknown id does nothing") {
    TriggerManager triggers;
    TriggerId gone = triggers.add("test.point", note("gone"));
    triggers.add("test.point", note("kept"));
    triggers.remove(gone);
    triggers.remove(gone);
    triggers.remove(12345);
    Trace trace;
    run(triggers, trace);
    CHECK(trace.ran == Ran{"kept"});
    CHECK(triggers.handler_count("test.point") == 1);
}

TEST_CASE("a handler may remove itself while it runs") {
    TriggerManager triggers;
    TriggerId self = 0;
    self = triggers.add("test.point", [&](TriggerContext& context, const TriggerResume&) {
        triggers.remove(self);
        static_cast<Trace&>(context).ran.push_back("once");
        return TriggerDecision::Continue;
    });
    triggers.add("test.point", note("next"));
    Trace first;
    run(triggers, first);
    Trace second;
    run(triggers, second);
    CHECK(first.ran == Ran{"once", "next"});
    CHECK(second.ran == Ran{"next"});
}

TEST_CASE("a later handler removed during a dispatch does not run in it") {
    TriggerManager triggers;
    TriggerId later = 0;
    triggers.add(
        "test.point",
        [&](TriggerContext& context, const TriggerResume&) {
            static_cast<Trace&>(context).ran.push_back("remover");
            triggers.remove(later);
            return TriggerDecision::Continue;
        },
        1);
    later = triggers.add("test.point", note("removed"));
    Trace trace;
    run(triggers, trace);
    CHECK(trace.ran == Ran{"remover"});
    CHECK(trace.proceeded);
}

TEST_CASE("a handler added during a dispatch waits for the next dispatch") {
    TriggerManager triggers;
    triggers.add("test.point", [&](TriggerContext& context, const TriggerResume&) {
        static_cast<Trace&>(context).ran.push_back("adder");
        triggers.add("test.point", note("added"), 100);
        return TriggerDecision::Continue;
    });
    Trace first;
    run(triggers, first);
    CHECK(first.ran == Ran{"adder"});
    Trace second;
    run(triggers, second);
    CHECK(second.ran == Ran{"added", "adder"});
}

TEST_CASE("a Later answer suspends the chain until resumed, even after dispatch returned") {
    TriggerManager triggers;
    TriggerResume pending;
    triggers.add(
        "test.point",
        [&](TriggerContext& context, const TriggerResume& resume) {
            static_cast<Trace&>(context).ran.push_back("async");
            pending = resume;
            return TriggerDecision::Later;
        },
        1);
    triggers.add("test.point", note("after"));
    Trace trace;
    run(triggers, trace);
    CHECK(trace.ran == Ran{"async"});
    CHECK_FALSE(trace.proceeded);

    // As if a reply came in a later reactor iteration.
    pending(TriggerDecision::Continue);
    CHECK(trace.ran == Ran{"async", "after"});
    CHECK(trace.proceeded);
}

TEST_CASE("a Later answer resumed with TakeOver ends the workflow") {
    TriggerManager triggers;
    TriggerResume pending;
    triggers.add("test.point", keep_resume(pending));
    triggers.add("test.point", note("after"));
    Trace trace;
    run(triggers, trace);
    pending(TriggerDecision::TakeOver);
    CHECK(trace.ran.empty());
    CHECK_FALSE(trace.proceeded);
}

TEST_CASE("a second resume of the same answer is ignored") {
    TriggerManager triggers;
    TriggerResume pending;
    triggers.add("test.point", keep_resume(pending));
    triggers.add("test.point", note("after"));
    int proceeded = 0;
    Trace trace;
    run_counting(triggers, trace, proceeded);
    pending(TriggerDecision::Continue);
    pending(TriggerDecision::Continue);
    pending(TriggerDecision::TakeOver);
    CHECK(trace.ran == Ran{"after"});
    CHECK(proceeded == 1);
}

TEST_CASE("a handler may resume before it returns Later") {
    TriggerManager triggers;
    triggers.add("test.point", [](TriggerContext&, const TriggerResume& resume) {
        resume(TriggerDecision::Continue);  // the answer was in a cache already
        resume(TriggerDecision::TakeOver);  // ignored: the first answer counts
        return TriggerDecision::Later;
    });
    triggers.add("test.point", note("after"));
    Trace trace;
    run(triggers, trace);
    CHECK(trace.ran == Ran{"after"});
    CHECK(trace.proceeded);
}

TEST_CASE("a resume from a handler that did not return Later is ignored") {
    TriggerManager triggers;
    TriggerResume kept;
    triggers.add("test.point", keep_resume(kept, TriggerDecision::Continue));
    triggers.add("test.point", note("after"));
    int proceeded = 0;
    Trace trace;
    run_counting(triggers, trace, proceeded);
    kept(TriggerDecision::Continue);
    CHECK(trace.ran == Ran{"after"});
    CHECK(proceeded == 1);
}

TEST_CASE("two suspended dispatches of one point resume independently") {
    TriggerManager triggers;
    std::vector<TriggerResume> pending;
    triggers.add("test.point", [&](TriggerContext&, const TriggerResume& resume) {
        pending.push_back(resume);
        return TriggerDecision::Later;
    });
    Trace first;
    Trace second;
    run(triggers, first);
    run(triggers, second);
    REQUIRE(pending.size() == 2);
    pending[1](TriggerDecision::Continue);
    CHECK_FALSE(first.proceeded);
    CHECK(second.proceeded);
    pending[0](TriggerDecision::TakeOver);
    CHECK_FALSE(first.proceeded);
}

TEST_CASE("a handler removed while the chain is suspended does not run when it resumes") {
    TriggerManager triggers;
    TriggerResume pending;
    triggers.add("test.point", keep_resume(pending), 1);
    TriggerId after = triggers.add("test.point", note("after"));
    Trace trace;
    run(triggers, trace);
    triggers.remove(after);
    pending(TriggerDecision::Continue);
    CHECK(trace.ran.empty());
    CHECK(trace.proceeded);
}

TEST_CASE("a handler that throws counts as Continue and the workflow goes on") {
    TriggerManager triggers;
    triggers.add(
        "test.point",
        [](TriggerContext&, const TriggerResume&) -> TriggerDecision {
            throw std::runtime_error("plugin bug");
        },
        2);
    triggers.add(
        "test.point", [](TriggerContext&, const TriggerResume&) -> TriggerDecision { throw 42; },
        1);
    triggers.add("test.point", note("after"));
    Trace trace;
    CHECK_NOTHROW(run(triggers, trace));
    CHECK(trace.ran == Ran{"after"});
    CHECK(trace.proceeded);
}

TEST_CASE("an empty handler is refused") {
    TriggerManager triggers;
    CHECK_THROWS_AS(triggers.add("test.point", TriggerHandler{}), std::invalid_argument);
    CHECK(triggers.handler_count("test.point") == 0);
}

// SPDX-License-Identifier: MIT
#include "src/core/ScopedTriggers.hpp"
#include "src/core/TriggerManager.hpp"

#include <doctest/doctest.h>

using namespace roost;
using roost::core::ScopedTriggers;
using roost::core::TriggerManager;

namespace {

TriggerHandler pass() {
    return [](TriggerContext&, const TriggerResume&) { return TriggerDecision::Continue; };
}

}  // namespace

TEST_CASE("handlers added through scoped triggers are removed when it goes") {
    TriggerManager manager;
    manager.add("test.point", pass());
    {
        ScopedTriggers plugin(manager);
        plugin.add("test.point", pass());
        plugin.add("test.other", pass());
        CHECK(manager.handler_count("test.point") == 2);
        CHECK(manager.handler_count("test.other") == 1);
    }
    CHECK(manager.handler_count("test.point") == 1);
    CHECK(manager.handler_count("test.other") == 0);
}

TEST_CASE("scoped triggers remove their own handlers only") {
    TriggerManager manager;
    TriggerId someone_elses = manager.add("test.point", pass());
    ScopedTriggers plugin(manager);
    TriggerId own = plugin.add("test.point", pass());
    plugin.remove(someone_elses);
    CHECK(manager.handler_count("test.point") == 2);
    plugin.remove(own);
    CHECK(manager.handler_count("test.point") == 1);
}

TEST_CASE("scoped triggers dispatch through the shared manager") {
    TriggerManager manager;
    manager.add("test.point",
                [](TriggerContext&, const TriggerResume&) { return TriggerDecision::TakeOver; });
    ScopedTriggers plugin(manager);
    TriggerContext context;
    bool proceeded = false;
    plugin.dispatch("test.point", context, [&] { proceeded = true; });
    CHECK_FALSE(proceeded);
    plugin.dispatch("test.none", context, [&] { proceeded = true; });
    CHECK(proceeded);
}

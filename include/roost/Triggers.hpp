// SPDX-License-Identifier: MIT
// Trigger points: named places in a workflow where plugins hook in to observe it,
// change its data, or take it over with their own answer (now or later).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace roost {

// Base of the data a trigger point hands its handlers. The plugin that owns a point
// defines a derived type in its SDK header, with whatever the handlers may read or
// change and, where the workflow answers someone, how to answer.
class TriggerContext {
public:
    virtual ~TriggerContext() = default;
};

enum class TriggerDecision {
    Continue,  // let the next handler, then the workflow, go on
    TakeOver,  // this handler answers; later handlers and the workflow do not run
    Later,     // the handler calls TriggerResume once it has decided
};

// Given to handlers that returned Later: call it exactly once, with Continue or TakeOver.
using TriggerResume = std::function<void(TriggerDecision)>;
using TriggerHandler = std::function<TriggerDecision(TriggerContext&, const TriggerResume&)>;
using TriggerId = std::uint64_t;

// Reactor thread only.
class Triggers {
public:
    virtual ~Triggers() = default;
    // Handlers of a point run highest priority first; equal priorities in the
    // order they were added.
    virtual TriggerId add(std::string_view point, TriggerHandler handler, int priority = 0) = 0;
    // Safe during a dispatch: a removed handler that has not run yet will not run.
    virtual void remove(TriggerId id) = 0;
    // Runs the handlers of `point` on `context`; `proceed` runs afterwards unless one
    // took over. The context must live until proceed runs or a handler took over.
    virtual void dispatch(std::string_view point, TriggerContext& context,
                          std::function<void()> proceed) = 0;
};

}  // namespace roost

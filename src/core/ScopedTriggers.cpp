// SPDX-License-Identifier: MIT
// ScopedTriggers: forwarding, plus the set of ids to remove at the end.
#include "src/core/ScopedTriggers.hpp"

#include <utility>

namespace roost::core {

ScopedTriggers::~ScopedTriggers() {
    for (TriggerId id : added_) triggers_.remove(id);
}

TriggerId ScopedTriggers::add(std::string_view point, TriggerHandler handler, int priority) {
    TriggerId id = triggers_.add(point, std::move(handler), priority);
    added_.insert(id);
    return id;
}

void ScopedTriggers::remove(TriggerId id) {
    if (added_.erase(id) > 0) triggers_.remove(id);
}

void ScopedTriggers::dispatch(std::string_view point, TriggerContext& context,
                              std::function<void()> proceed) {
    triggers_.dispatch(point, context, std::move(proceed));
}

}  // namespace roost::core

// SPDX-License-Identifier: MIT
// ScopedTriggers: the Triggers one plugin sees; it forwards to the daemon's
// TriggerManager and removes whatever the plugin left registered when it goes.
#pragma once

#include "roost/Triggers.hpp"

#include <unordered_set>

namespace roost::core {

// A plugin that throws half-way through start, or forgets to clean up in stop, must
// not leave handlers that call into a library about to be unloaded. Reactor thread only.
class ScopedTriggers final : public Triggers {
public:
    explicit ScopedTriggers(Triggers& triggers) : triggers_(triggers) {}
    ~ScopedTriggers() override;
    ScopedTriggers(const ScopedTriggers&) = delete;
    ScopedTriggers& operator=(const ScopedTriggers&) = delete;

    TriggerId add(std::string_view point, TriggerHandler handler, int priority = 0) override;
    // Only handlers added through this object: a plugin cannot remove another's.
    void remove(TriggerId id) override;
    void dispatch(std::string_view point, TriggerContext& context,
                  std::function<void()> proceed) override;

private:
    Triggers& triggers_;
    std::unordered_set<TriggerId> added_;
};

}  // namespace roost::core

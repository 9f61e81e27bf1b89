// SPDX-License-Identifier: MIT
// TriggerManager: the daemon's roost::Triggers, the ordered chains of handlers that
// plugins hook into the trigger points of a workflow. Reactor thread only.
#pragma once

#include "roost/Triggers.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace roost::core {

// A dispatch runs the handlers its point had when it began: a handler added meanwhile
// waits for the next dispatch, one removed meanwhile is skipped. A handler that throws
// is logged and counts as Continue, so a broken plugin never stalls a workflow.
// Exceptions from `proceed` reach whoever ran the last step: dispatch() or the resume.
class TriggerManager final : public Triggers {
public:
    TriggerManager() = default;
    TriggerManager(const TriggerManager&) = delete;
    TriggerManager& operator=(const TriggerManager&) = delete;

    TriggerId add(std::string_view point, TriggerHandler handler, int priority = 0) override;
    void remove(TriggerId id) override;
    void dispatch(std::string_view point, TriggerContext& context,
                  std::function<void()> proceed) override;

    // How many handlers `point` has now, for tests and diagnostics.
    std::size_t handler_count(std::string_view point) const;

private:
    struct Handler;
    struct Dispatch;
    struct Answer;
    using Chain = std::vector<std::shared_ptr<Handler>>;

    // Runs `dispatch` from its next handler until one suspends or takes over, or the
    // chain ends and the workflow proceeds.
    static void run(const std::shared_ptr<Dispatch>& dispatch);
    static TriggerResume resume_for(const std::shared_ptr<Dispatch>& dispatch, TriggerId id,
                                    const std::shared_ptr<Answer>& answer);
    // The handler's decision; Continue (logged) when it throws.
    static TriggerDecision call(Dispatch& dispatch, Handler& handler, const TriggerResume& resume);

    std::map<std::string, Chain, std::less<>> chains_;
    std::unordered_map<TriggerId, std::string> point_of_;
    TriggerId next_id_ = 1;
};

}  // namespace roost::core

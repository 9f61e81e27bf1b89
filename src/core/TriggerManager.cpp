// SPDX-License-Identifier: MIT
// TriggerManager: chains kept sorted by priority; a dispatch walks a snapshot of its
// chain and keeps its place in shared state, so a Later answer can resume it any time.
#include "src/core/TriggerManager.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace roost::core {

// What became of a handler that was given a resume function.
struct TriggerManager::Answer {
    enum class Stage { Running, Waiting, Done };
    Stage stage = Stage::Running;
    // Set when the handler resumed before it had even returned Later.
    std::optional<TriggerDecision> early;
};

struct TriggerManager::Handler {
    TriggerId id;
    int priority;
    TriggerHandler function;
    bool removed = false;
};

struct TriggerManager::Dispatch {
    std::string point;
    Chain handlers;
    std::size_t next = 0;
    TriggerContext& context;
    std::function<void()> proceed;
};

TriggerId TriggerManager::add(std::string_view point, TriggerHandler handler, int priority) {
    if (!handler) throw std::invalid_argument("empty trigger handler for " + std::string(point));
    auto it = chains_.find(point);
    if (it == chains_.end()) it = chains_.emplace(std::string(point), Chain{}).first;
    Chain& chain = it->second;
    // After every handler of the same priority: ties run in the order they were added.
    auto position = std::find_if(chain.begin(), chain.end(),
                                 [&](const auto& other) { return other->priority < priority; });
    TriggerId id = next_id_++;
    chain.insert(position, std::make_shared<Handler>(Handler{id, priority, std::move(handler)}));
    point_of_.emplace(id, it->first);
    return id;
}

void TriggerManager::remove(TriggerId id) {
    auto point = point_of_.find(id);
    if (point == point_of_.end()) return;
    auto chain = chains_.find(point->second);
    point_of_.erase(point);
    if (chain == chains_.end()) return;
    auto& handlers = chain->second;
    auto it = std::find_if(handlers.begin(), handlers.end(),
                           [&](const auto& handler) { return handler->id == id; });
    if (it == handlers.end()) return;
    // A dispatch in progress holds its own copy of the chain and checks this flag.
    (*it)->removed = true;
    handlers.erase(it);
    if (handlers.empty()) chains_.erase(chain);
}

void TriggerManager::dispatch(std::string_view point, TriggerContext& context,
                              std::function<void()> proceed) {
    auto chain = chains_.find(point);
    auto state = std::make_shared<Dispatch>(Dispatch{
        .point = std::string(point),
        .handlers = chain == chains_.end() ? Chain{} : chain->second,
        .context = context,
        .proceed = std::move(proceed),
    });
    run(state);
}

std::size_t TriggerManager::handler_count(std::string_view point) const {
    auto chain = chains_.find(point);
    return chain == chains_.end() ? 0 : chain->second.size();
}

void TriggerManager::run(const std::shared_ptr<Dispatch>& dispatch) {
    while (dispatch->next < dispatch->handlers.size()) {
        auto handler = dispatch->handlers[dispatch->next++];
        if (handler->removed) continue;

        auto answer = std::make_shared<Answer>();
        TriggerDecision decision =
            call(*dispatch, *handler, resume_for(dispatch, handler->id, answer));
        if (decision == TriggerDecision::Later && !answer->early) {
            answer->stage = Answer::Stage::Waiting;
            return;
        }
        if (decision == TriggerDecision::Later) decision = *answer->early;
        answer->stage = Answer::Stage::Done;
        if (decision == TriggerDecision::TakeOver) return;
    }
    // Moved out first: proceed runs at most once even if it dispatches again.
    auto proceed = std::move(dispatch->proceed);
    dispatch->proceed = nullptr;
    if (proceed) proceed();
}

// The resume function of one handler's call: takes the first answer, goes on with the
// chain if the handler already returned Later, and ignores everything after.
TriggerResume TriggerManager::resume_for(const std::shared_ptr<Dispatch>& dispatch, TriggerId id,
                                         const std::shared_ptr<Answer>& answer) {
    return [dispatch, id, answer](TriggerDecision decision) {
        if (answer->stage == Answer::Stage::Done) {
            spdlog::warn(
                "trigger {}: handler {} resumed twice, or without returning Later: ignored",
                dispatch->point, id);
            return;
        }
        if (decision == TriggerDecision::Later) {
            spdlog::warn("trigger {}: handler {} resumed with Later; taken as Continue",
                         dispatch->point, id);
            decision = TriggerDecision::Continue;
        }
        if (answer->stage == Answer::Stage::Running) {
            answer->early = decision;
            answer->stage = Answer::Stage::Done;
            return;
        }
        answer->stage = Answer::Stage::Done;
        if (decision == TriggerDecision::Continue) run(dispatch);
    };
}

TriggerDecision TriggerManager::call(Dispatch& dispatch, Handler& handler,
                                     const TriggerResume& resume) {
    try {
        return handler.function(dispatch.context, resume);
    } catch (const std::exception& error) {
        spdlog::error("trigger {}: handler {} threw, going on: {}", dispatch.point, handler.id,
                      error.what());
    } catch (...) {
        spdlog::error("trigger {}: handler {} threw a non-standard exception, going on",
                      dispatch.point, handler.id);
    }
    return TriggerDecision::Continue;
}

}  // namespace roost::core

// SPDX-License-Identifier: MIT
// Test plugin "pubsub_events": hooks every pubsub.event.* trigger point of xep_0060
// and reports each event as an IPC notification on "test.pubsub.events".
#include "roost/Host.hpp"
#include "roost/Plugin.hpp"
#include "roost/Pubsub.hpp"

#include <vector>

using namespace roost;

namespace {

constexpr const char* kTopic = "test.pubsub.events";

nlohmann::json describe(const char* point, const TriggerContext& context) {
    nlohmann::json event = {{"point", point}};
    if (auto* items = dynamic_cast<const pubsub::ItemsEvent*>(&context)) {
        event["profile"] = items->profile;
        event["service"] = items->service;
        event["node"] = items->node;
        event["items"] = nlohmann::json::array();
        for (const auto& item : items->items)
            event["items"].push_back({{"id", item.id}, {"xml", item.xml}});
        event["retracted"] = items->retracted;
    } else if (auto* node = dynamic_cast<const pubsub::NodeEvent*>(&context)) {
        event["profile"] = node->profile;
        event["service"] = node->service;
        event["node"] = node->node;
    }
    return event;
}

class PubsubEvents final : public Plugin {
public:
    void start(Host& host) override {
        host_ = &host;
        for (const char* point : {pubsub::kEventItems, pubsub::kEventRetract, pubsub::kEventPurge,
                                  pubsub::kEventDelete, pubsub::kEventConfiguration})
            ids_.push_back(host.triggers().add(
                point, [this, point](TriggerContext& context, const TriggerResume&) {
                    host_->ipc().notify(kTopic, describe(point, context));
                    return TriggerDecision::Continue;
                }));
    }

    void stop() override {
        for (TriggerId id : ids_) host_->triggers().remove(id);
    }

private:
    Host* host_ = nullptr;
    std::vector<TriggerId> ids_;
};

}  // namespace

ROOST_PLUGIN(PubsubEvents, "pubsub_events", "1.0", ("xep_0060"), ());

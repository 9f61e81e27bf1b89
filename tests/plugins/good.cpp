// SPDX-License-Identifier: MIT
// Test plugin "good": starts cleanly and answers two trigger points, "test.ping" at
// once and "test.later" through a timer, then removes its handlers when it stops.
#include "ReportingPlugin.hpp"

#include <chrono>

using namespace roost;

namespace {

class Good final : public test_plugins::ReportingPlugin {
public:
    Good() : ReportingPlugin("good") {}

    void start(Host& host) override {
        ReportingPlugin::start(host);
        ping_ = host.triggers().add("test.ping", [this](TriggerContext&, const TriggerResume&) {
            report("ping");
            return TriggerDecision::TakeOver;
        });
        later_ = host.triggers().add(
            "test.later", [&host](TriggerContext&, const TriggerResume& resume) {
                host.add_timer(std::chrono::milliseconds(10),
                               [resume] { resume(TriggerDecision::Continue); });
                return TriggerDecision::Later;
            });
    }

    void stop() override {
        host().triggers().remove(ping_);
        host().triggers().remove(later_);
        ReportingPlugin::stop();
    }

private:
    TriggerId ping_ = 0;
    TriggerId later_ = 0;
};

}  // namespace

ROOST_PLUGIN(Good, "good", "1.0", (), ());

// SPDX-License-Identifier: MIT
// Test plugin "throws_in_start": registers a handler that would take "test.ping"
// over before anyone else, then fails; the handler must not outlive the failure.
#include "ReportingPlugin.hpp"

#include <stdexcept>

using namespace roost;

namespace {

class ThrowsInStart final : public test_plugins::ReportingPlugin {
public:
    ThrowsInStart() : ReportingPlugin("throws_in_start") {}

    void start(Host& host) override {
        ReportingPlugin::start(host);
        host.triggers().add(
            "test.ping",
            [this](TriggerContext&, const TriggerResume&) {
                report("ping");
                return TriggerDecision::TakeOver;
            },
            100);
        throw std::runtime_error("no account configured");
    }
};

}  // namespace

ROOST_PLUGIN(ThrowsInStart, "throws_in_start", "1.0", (), ());

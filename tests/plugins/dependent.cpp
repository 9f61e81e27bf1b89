// SPDX-License-Identifier: MIT
// Test plugin "dependent": depends on "good", which must already be started and
// reachable through the host when this one starts.
#include "ReportingPlugin.hpp"

#include <stdexcept>

using namespace roost;

namespace {

class Dependent final : public test_plugins::ReportingPlugin {
public:
    Dependent() : ReportingPlugin("dependent") {}

    void start(Host& host) override {
        if (!host.plugin("good")) throw std::runtime_error("started before its dependency");
        ReportingPlugin::start(host);
    }
};

}  // namespace

ROOST_PLUGIN(Dependent, "dependent", "2.1", ("good"), ());

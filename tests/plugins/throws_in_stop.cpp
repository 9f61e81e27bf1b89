// SPDX-License-Identifier: MIT
// Test plugin "throws_in_stop": starts cleanly and throws when stopped.
#include "ReportingPlugin.hpp"

#include <stdexcept>

namespace {

class ThrowsInStop final : public roost::test_plugins::ReportingPlugin {
public:
    ThrowsInStop() : ReportingPlugin("throws_in_stop") {}

    void stop() override {
        ReportingPlugin::stop();
        throw std::runtime_error("socket already closed");
    }
};

}  // namespace

ROOST_PLUGIN(ThrowsInStop, "throws_in_stop", "1.0", (), ());

// SPDX-License-Identifier: MIT
// Test plugin "cycle_b": depends on "cycle_a", which depends on it.
#include "ReportingPlugin.hpp"

namespace {

class CycleB final : public roost::test_plugins::ReportingPlugin {
public:
    CycleB() : ReportingPlugin("cycle_b") {}
};

}  // namespace

ROOST_PLUGIN(CycleB, "cycle_b", "1.0", ("cycle_a"), ());

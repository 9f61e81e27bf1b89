// SPDX-License-Identifier: MIT
// Test plugin "cycle_a": depends on "cycle_b", which depends on it.
#include "ReportingPlugin.hpp"

namespace {

class CycleA final : public roost::test_plugins::ReportingPlugin {
public:
    CycleA() : ReportingPlugin("cycle_a") {}
};

}  // namespace

ROOST_PLUGIN(CycleA, "cycle_a", "1.0", ("cycle_b"), ());

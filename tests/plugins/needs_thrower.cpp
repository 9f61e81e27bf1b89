// SPDX-License-Identifier: MIT
// Test plugin "needs_thrower": depends on "throws_in_start", so fails with it.
#include "ReportingPlugin.hpp"

namespace {

class NeedsThrower final : public roost::test_plugins::ReportingPlugin {
public:
    NeedsThrower() : ReportingPlugin("needs_thrower") {}
};

}  // namespace

ROOST_PLUGIN(NeedsThrower, "needs_thrower", "1.0", ("throws_in_start"), ());

// SPDX-License-Identifier: MIT
// Test plugin "eager": found before "good" (file name order) but recommends it, so
// starts after it; its other recommendation does not exist and must not matter.
#include "ReportingPlugin.hpp"

namespace {

class Eager final : public roost::test_plugins::ReportingPlugin {
public:
    Eager() : ReportingPlugin("eager") {}
};

}  // namespace

ROOST_PLUGIN(Eager, "eager", "1.0", (), ("absent_plugin", "good"));

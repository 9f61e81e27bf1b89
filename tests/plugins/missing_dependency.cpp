// SPDX-License-Identifier: MIT
// Test plugin "missing_dependency": depends on a plugin that does not exist.
#include "ReportingPlugin.hpp"

namespace {

class MissingDependency final : public roost::test_plugins::ReportingPlugin {
public:
    MissingDependency() : ReportingPlugin("missing_dependency") {}
};

}  // namespace

ROOST_PLUGIN(MissingDependency, "missing_dependency", "1.0", ("absent_plugin"), ());

// SPDX-License-Identifier: MIT
// Test plugin "wrong_abi": a descriptor written by hand that claims another SDK ABI,
// as a plugin built against other headers would.
#include "ReportingPlugin.hpp"

#include <cstdlib>

namespace {

class WrongAbi final : public roost::test_plugins::ReportingPlugin {
public:
    WrongAbi() : ReportingPlugin("wrong_abi") {}
};

const char* const kNone[] = {nullptr};

// A static constructor, which dlopen() would run: the host must refuse the plugin
// before (test_plugin_host checks that the variable stays unset).
[[maybe_unused]] const bool kLoaded = ::setenv("ROOST_TEST_WRONG_ABI_LOADED", "1", 1) == 0;

}  // namespace

extern "C" __attribute__((visibility("default")))
const roost::PluginDescriptor roost_plugin_descriptor = {
    roost::kSdkAbiVersion + 1,
    "wrong_abi",
    "1.0",
    kNone,
    kNone,
    []() -> roost::Plugin* { return new WrongAbi(); },
    [](roost::Plugin* plugin) { delete plugin; }};

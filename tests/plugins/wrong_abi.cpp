// Test plugin "wrong_abi": a descriptor written by hand that claims another SDK ABI,
// as a plugin built against other headers would.
#include "ReportingPlugin.hpp"

namespace {

class WrongAbi final : public roost::test_plugins::ReportingPlugin {
public:
    WrongAbi() : ReportingPlugin("wrong_abi") {}
};

const char* const kNone[] = {nullptr};

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

// SPDX-License-Identifier: MIT
// The plugin contract: the descriptor every plugin exports and the interface its
// factory returns. The only way the daemon learns about a plugin.
#pragma once

namespace roost {

class Host;

// Raised whenever a change to include/roost/ breaks plugins built against the old
// headers; the host refuses to load a plugin built for another value.
// 2: Xmpp::profiles(), PubsubStore's server order. 3: the roster (Host::roster_store(),
// Xmpp::on_presence and on_iq_request, XmppClient::answer_iq and refuse_iq). 4: streams
// (Host::stream_store(), item times, merged reads, on_items_changed). 5: a sync's changes
// told (CachedItemsChange::new_node, UpsertResult::changed ids). 6: declared fields
// (Analyser::indexed_fields, PubsubStore::index_fields). 7: PubsubStore's write batches.
// 8: XmppClient::resumed().
inline constexpr int kSdkAbiVersion = 8;

// One instance per daemon. Every method runs on the reactor thread.
class Plugin {
public:
    virtual ~Plugin() = default;
    // Registers triggers, IPC methods, analysers...; throw to fail the plugin
    // (the host reports the message and goes on without it).
    virtual void start(Host& host) = 0;
    // Called in reverse start order; the host is still whole.
    virtual void stop() {}
};

struct PluginDescriptor {
    int abi_version;                     // kSdkAbiVersion when the plugin was built
    const char* name;                    // unique, e.g. "xep_0060"
    const char* version;                 // the plugin's own version
    const char* const* dependencies;     // names, nullptr-terminated; must load first
    const char* const* recommendations;  // names, nullptr-terminated; load first if present
    Plugin* (*create)();                 // the host owns the result...
    void (*destroy)(Plugin*);            // ...and gives it back here, from the same library
};

// The symbol the host looks up in each shared module.
inline constexpr const char* kPluginDescriptorSymbol = "roost_plugin_descriptor";

}  // namespace roost

// Defines the descriptor of a plugin class T (default-constructible); the name
// lists are parenthesised, possibly empty. Example:
//   ROOST_PLUGIN(MyPlugin, "my_plugin", "1.0", ("xep_0060"), ())
#define ROOST_PLUGIN_NAMES_(...) __VA_ARGS__ __VA_OPT__(, ) nullptr
#define ROOST_PLUGIN(T, NAME, VERSION, DEPENDENCIES, RECOMMENDATIONS)                          \
    namespace {                                                                                \
    const char* const roost_plugin_dependencies_[] = {ROOST_PLUGIN_NAMES_ DEPENDENCIES};       \
    const char* const roost_plugin_recommendations_[] = {ROOST_PLUGIN_NAMES_ RECOMMENDATIONS}; \
    }                                                                                          \
    extern "C" __attribute__((visibility("default")))                                          \
    const ::roost::PluginDescriptor roost_plugin_descriptor = {                                \
        ::roost::kSdkAbiVersion,                                                               \
        NAME,                                                                                  \
        VERSION,                                                                               \
        roost_plugin_dependencies_,                                                            \
        roost_plugin_recommendations_,                                                         \
        []() -> ::roost::Plugin* { return new T(); },                                          \
        [](::roost::Plugin* p) { delete p; }}

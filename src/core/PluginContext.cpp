// SPDX-License-Identifier: MIT
// PluginContext: per-plugin logger, timers that die with the plugin.
#include "src/core/PluginContext.hpp"

#include <spdlog/spdlog.h>

namespace roost::core {

PluginContext::PluginContext(HostServices& services, std::string plugin_name)
    : services_(services),
      name_(std::move(plugin_name)),
      triggers_(services.triggers),
      scoped_ipc_{services.ipc},
      scoped_xmpp_{services.xmpp},
      log_(spdlog::default_logger()->clone(name_)) {}

PluginContext::~PluginContext() {
    for (TimerId id : timers_) services_.reactor.cancel_timer(id);
}

TimerId PluginContext::add_timer(std::chrono::milliseconds delay, std::function<void()> callback) {
    // The id is only known once added; the timer finds it through the shared slot.
    auto id_slot = std::make_shared<TimerId>(0);
    TimerId id =
        services_.reactor.add_timer(delay, [this, id_slot, callback = std::move(callback)] {
            timers_.erase(*id_slot);
            callback();
        });
    *id_slot = id;
    timers_.insert(id);
    return id;
}

void PluginContext::cancel_timer(TimerId id) {
    if (timers_.erase(id)) services_.reactor.cancel_timer(id);
}

}  // namespace roost::core

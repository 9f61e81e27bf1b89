// SPDX-License-Identifier: MIT
// ReportingPlugin: the base of the test plugins; it reports its start and stop as
// IPC notifications on the topic "lifecycle", so that tests can see the order.
#pragma once

#include "roost/Host.hpp"
#include "roost/Plugin.hpp"

#include <string>
#include <utility>

namespace roost::test_plugins {

inline constexpr const char* kLifecycleTopic = "lifecycle";

class ReportingPlugin : public Plugin {
public:
    explicit ReportingPlugin(std::string name) : name_(std::move(name)) {}

    void start(Host& host) override {
        host_ = &host;
        report("start");
    }
    void stop() override { report("stop"); }

protected:
    Host& host() { return *host_; }
    void report(const char* event) {
        host_->ipc().notify(kLifecycleTopic, {{"plugin", name_}, {"event", event}});
    }

private:
    std::string name_;
    Host* host_ = nullptr;
};

}  // namespace roost::test_plugins

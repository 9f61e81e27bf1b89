// SPDX-License-Identifier: MIT
// NodeConfigurationApi: reading a pubsub node's configuration, offered by the xep_0060
// plugin next to PubsubApi: host.plugin_as<NodeConfigurationApi>(kPluginName).
#pragma once

#include "roost/Pubsub.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace roost::pubsub {

// A node configuration form: field var (e.g. "pubsub#max_items") -> values, without
// FORM_TYPE.
using NodeConfiguration = std::map<std::string, std::vector<std::string>>;

// A separate interface, so that plugins built before it still load: a caller that
// finds no such plugin does without. Reactor thread only; `done` is called once.
class NodeConfigurationApi {
public:
    virtual ~NodeConfigurationApi() = default;
    // Servers show a node's configuration to its owner only: others get the
    // server's error (forbidden).
    virtual void node_configuration(
        const std::string& profile, const std::string& service, const std::string& node,
        std::function<void(NodeConfiguration, std::optional<XmppError>)> done) = 0;
};

}  // namespace roost::pubsub

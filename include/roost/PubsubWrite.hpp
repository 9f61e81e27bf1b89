// SPDX-License-Identifier: MIT
// PubsubWriteApi: publishing, retracting, and creating and deleting nodes for other
// plugins, offered by the xep_0060 plugin next to PubsubApi: host.plugin_as<PubsubWriteApi>.
#pragma once

#include "roost/Pubsub.hpp"
#include "roost/PubsubStore.hpp"
#include "roost/Xmpp.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace roost::pubsub {

// A data form's fields (XEP-0004), var -> values: publish-options or a node configuration.
using FormFields = std::map<std::string, std::vector<std::string>>;

// The id of the published item (the server's when it chose one), or the error.
using PublishCallback = std::function<void(std::string item_id, std::optional<XmppError>)>;

// A separate interface, so that plugins built before it still load: a caller that finds
// no such plugin does without. Reactor thread only; every callback is called once.
// `node.service` "" is the profile's own PEP service. What succeeds reaches the trigger
// points as PubsubApi's own requests do (a retraction or deletion is announced at once;
// a publication comes back as the server's notification, where it sends one).
class PubsubWriteApi {
public:
    virtual ~PubsubWriteApi() = default;
    // `payload` is one well-formed XML element; `item_id` "" lets the server choose.
    // `options` become XEP-0060 publish-options (a node whose configuration differs
    // answers precondition-not-met).
    virtual void publish_item(const NodeKey& node, const std::string& item_id,
                              const std::string& payload, const FormFields& options,
                              PublishCallback done) = 0;
    virtual void retract_items(const NodeKey& node, const std::vector<std::string>& item_ids,
                               DoneCallback done) = 0;
    virtual void create_node_with(const NodeKey& node, const FormFields& config,
                                  DoneCallback done) = 0;
    virtual void remove_node(const NodeKey& node, DoneCallback done) = 0;
};

}  // namespace roost::pubsub

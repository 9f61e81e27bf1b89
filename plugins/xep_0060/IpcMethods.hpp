// SPDX-License-Identifier: MIT
// IpcMethods: the plugin's JSON-RPC methods (pubsub.get, pubsub.publish, ...),
// their params, their JSON answers, and XmppError -> JSON-RPC error (doc/pubsub.md).
#pragma once

#include "roost/Ipc.hpp"
#include "roost/Xmpp.hpp"

namespace roost::xep0060 {

class PubsubPlugin;

void register_ipc_methods(PubsubPlugin& plugin);
void unregister_ipc_methods(PubsubPlugin& plugin);

}  // namespace roost::xep0060

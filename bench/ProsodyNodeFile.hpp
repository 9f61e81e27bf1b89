// SPDX-License-Identifier: MIT
// ProsodyNodeFile: writes a pubsub node's items straight into Prosody's file storage
// (mod_storage_internal's archive list), in the form Prosody itself writes them.
// Prosody 0.12 rereads the node's whole list on every publish, so publishing 10,000 items
// over XMPP takes hours; written while the server is stopped, they take a second and
// Prosody then serves them as if they had been published.
#pragma once

#include "tests/support/XmppServer.hpp"

#include <functional>
#include <string>

namespace roost::bench {

// Replaces the items of `node` on `service` (the node must exist; the server must be
// stopped) with items 0..count-1: ids "<id_prefix><n>", payload(n) (one XML element),
// published by `publisher`, oldest first.
void write_prosody_items(const test::XmppServer& server, const std::string& service,
                         const std::string& node, int count, const std::string& id_prefix,
                         const std::function<std::string(int)>& payload,
                         const std::string& publisher);

}  // namespace roost::bench

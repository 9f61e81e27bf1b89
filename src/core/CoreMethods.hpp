// SPDX-License-Identifier: MIT
// The core's own IPC methods: status, plugins, profile.*, daemon.stop.
#pragma once

namespace roost::core {

class Backend;

// Adds the methods to the backend's IPC server; see doc/ipc.md for each.
void register_core_methods(Backend& backend);

}  // namespace roost::core

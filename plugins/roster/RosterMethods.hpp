// SPDX-License-Identifier: MIT
// RosterMethods: the plugin's JSON-RPC methods (roster.list, roster.add, ...,
// roster.approve; doc/roster.md): params checked, RosterPlugin called, JSON answered.
#pragma once

namespace roost::roster {

class RosterPlugin;

void register_methods(RosterPlugin& plugin);
void unregister_methods(RosterPlugin& plugin);

}  // namespace roost::roster

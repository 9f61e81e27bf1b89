// SPDX-License-Identifier: MIT
// StreamMethods: stream.define|list|show|get|delete|subscribe|unsubscribe (doc/streams.md).
#pragma once

namespace roost::streams {

class StreamsPlugin;

void register_methods(StreamsPlugin& plugin);
void unregister_methods(StreamsPlugin& plugin);

}  // namespace roost::streams

// SPDX-License-Identifier: MIT
// CacheMethods: the cache's JSON-RPC methods (pubsub.cache.get, .sync, .purge, .reset,
// .search, .stats); each acts on the caller's profile unless it asks for all (doc/cache.md).
#pragma once

namespace roost::cache {

class CachePlugin;

void register_cache_methods(CachePlugin& plugin);
void unregister_cache_methods(CachePlugin& plugin);

}  // namespace roost::cache

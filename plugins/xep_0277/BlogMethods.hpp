// SPDX-License-Identifier: MIT
// BlogMethods: the blog.* JSON-RPC methods (doc/blog.md): posts and comments as JSON
// in, XEP-0277 Atom entries published through the xep_0060 plugin, reads through the
// pubsub.get path (answered by the cache when it holds the node).
#pragma once

#include "roost/Host.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubWrite.hpp"

#include <memory>
#include <string>

namespace roost::xep0277 {

// What the methods work with. Reactor thread only.
struct Blog {
    Host& host;
    pubsub::PubsubApi& pubsub;
    pubsub::PubsubWriteApi& write;
    std::string comments_service;  // [plugins.xep_0277] comments_service; "" = own PEP
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);  // false once stopped
};

void register_blog_methods(Blog& blog);
void unregister_blog_methods(Blog& blog);

}  // namespace roost::xep0277

// SPDX-License-Identifier: MIT
// BlogMethods: the blog.* JSON-RPC methods (doc/blog.md): posts and comments as JSON
// in, XEP-0277 Atom entries published through the xep_0060 plugin, reads through the
// pubsub.get path (answered by the cache when it holds the node).
#pragma once

#include "roost/Host.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubWrite.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace roost::xep0277 {

// What the methods work with. Reactor thread only.
class ContactBlogs;

struct Blog {
    Host& host;
    pubsub::PubsubApi& pubsub;
    pubsub::PubsubWriteApi& write;
    std::string comments_service;  // [plugins.xep_0277] comments_service; "" = own PEP
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);  // false once stopped
    ContactBlogs* contacts = nullptr;  // nullptr without the cache: no blog.follow...
    // Profiles whose blog node this run made or found: only a first post creates it.
    std::set<std::string> blog_node_ready{};
};

// The profile a method acts on and its connected account.
struct Account {
    std::string profile;
    std::string jid;  // bare
};

// The `profile` param's profile, which must be connected (-32002 otherwise).
Account account_param(Blog& blog, const nlohmann::json& params);
// JIDs compared as ASCII case-insensitive (what servers send is normalised).
bool same_jid(std::string_view a, std::string_view b);

void register_blog_methods(Blog& blog);
void unregister_blog_methods(Blog& blog);

}  // namespace roost::xep0277

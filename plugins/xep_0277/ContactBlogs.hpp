// SPDX-License-Identifier: MIT
// ContactBlogs: the blogs of other accounts kept in the pubsub cache (doc/blog.md,
// "Contacts' blogs"): a blog seen through a PEP notification, or followed with
// blog.follow, is synced whole and kept current; the roster decides, at connect and on
// each change, which blogs seen through notifications stay followed.
#pragma once

#include "BlogMethods.hpp"
#include "roost/Host.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubCache.hpp"
#include "roost/PubsubStore.hpp"
#include "roost/Roster.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace roost::xep0277 {

// The field of a blog node's extra JSON (PubsubStore::set_extra) that says why it is
// followed: {"followed": "notification"|"explicit", "active": bool, "reason": "..."}.
inline constexpr const char* kFollowExtra = "contact_blog";

// Reactor thread only. `roster` may be nullptr: every blog seen is then followed.
class ContactBlogs {
public:
    ContactBlogs(Host& host, pubsub::PubsubApi& pubsub, pubsub::CacheSyncApi& cache,
                 roster::RosterApi* roster);
    ~ContactBlogs();
    ContactBlogs(const ContactBlogs&) = delete;
    ContactBlogs& operator=(const ContactBlogs&) = delete;

    // What the node's extra says of its following; nothing when never followed.
    std::optional<nlohmann::json> follow_state(const pubsub::NodeKey& key);
    // Marks the blog followed (`how`: "notification" or "explicit") and syncs it.
    void follow(const pubsub::NodeKey& key, const std::string& how,
                std::function<void(const pubsub::CacheSyncResult&)> done = {});
    // Stops following: unsubscribes, and the cache keeps the items but no longer
    // answers from them (its sync state is forgotten). Unfollowed `by_user`, it is not
    // followed again by notifications, only by blog.follow.
    void unfollow(const pubsub::NodeKey& key, const std::string& reason, bool by_user = false);
    // The followed and once-followed blogs of a profile.
    std::vector<pubsub::NodeInfo> blogs(const std::string& profile);
    roster::RosterApi* roster() { return roster_; }
    pubsub::PubsubStore& store() { return host_.pubsub_store(); }

private:
    void on_published(const pubsub::ItemsEvent& event);
    void on_connected(const std::string& profile);
    void on_roster_change(const roster::RosterChange& change);
    // Whether a blog followed as `how` should be: explicit follows always, blogs seen
    // through notifications while the roster gives a presence subscription to the owner.
    bool wanted(const pubsub::NodeKey& key, const std::string& how);
    void mark(const pubsub::NodeKey& key, const std::string& how, bool active,
              const std::string& reason);

    Host& host_;
    pubsub::PubsubApi& pubsub_;
    pubsub::CacheSyncApi& cache_;
    roster::RosterApi* roster_;
    TriggerId trigger_ = 0;
    XmppHandlerId connection_handler_ = 0;
    roster::RosterHandlerId roster_handler_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

void register_follow_methods(Blog& blog);
void unregister_follow_methods(Blog& blog);

}  // namespace roost::xep0277

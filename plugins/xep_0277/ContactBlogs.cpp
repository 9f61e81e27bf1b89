// SPDX-License-Identifier: MIT
// ContactBlogs: notifications, connections and roster changes turned into syncs and
// unsubscriptions of blog nodes, and the blog.follow, blog.unfollow, blog.following methods.
#include "ContactBlogs.hpp"

#include "AtomWriter.hpp"
#include "roost/IpcParams.hpp"
#include "roost/Jid.hpp"
#include "roost/ProfileParam.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <utility>

namespace roost::xep0277 {
namespace {

using nlohmann::json;
using Reply = std::shared_ptr<RpcReply>;
using namespace ipc_params;

constexpr const char* kNotification = "notification";
constexpr const char* kExplicit = "explicit";

bool presence_subscription(const roster::RosterItem& item) {
    return item.subscription == roster::Subscription::To ||
           item.subscription == roster::Subscription::Both;
}

bool is_blog(const pubsub::NodeInfo& node, const std::string& profile) {
    return node.key.profile == profile && node.key.node == kMicroblogNode &&
           !node.key.service.empty() && node.extra.is_object() && node.extra.contains(kFollowExtra);
}

bool synced_or_syncing(const pubsub::NodeInfo& node) {
    return node.sync_state && node.sync_state != pubsub::SyncState::Error;
}

}  // namespace

ContactBlogs::ContactBlogs(Host& host, pubsub::PubsubApi& pubsub, pubsub::CacheSyncApi& cache,
                           roster::RosterApi* roster)
    : host_(host), pubsub_(pubsub), cache_(cache), roster_(roster) {
    // After the cache's own handler, which applies the event to a node it holds.
    trigger_ = host.triggers().add(pubsub::kEventItems,
                                   [this](TriggerContext& context, const TriggerResume&) {
                                       on_published(static_cast<pubsub::ItemsEvent&>(context));
                                       return TriggerDecision::Continue;
                                   });
    connection_handler_ = host.xmpp().on_connection([this](XmppClient& client, bool connected) {
        // A resumed session missed no roster push and no event.
        if (connected && !client.resumed()) on_connected(client.profile());
    });
    if (roster_ != nullptr)
        roster_handler_ = roster_->on_change(
            [this](const roster::RosterChange& change) { on_roster_change(change); });
}

ContactBlogs::~ContactBlogs() {
    *alive_ = false;
    host_.triggers().remove(trigger_);
    host_.xmpp().remove_handler(connection_handler_);
    if (roster_ != nullptr) roster_->remove_change_handler(roster_handler_);
}

std::optional<json> ContactBlogs::follow_state(const pubsub::NodeKey& key) {
    auto node = store().node_state(key);
    if (!node || !node->extra.is_object()) return std::nullopt;
    auto found = node->extra.find(kFollowExtra);
    if (found == node->extra.end() || !found->is_object()) return std::nullopt;
    return *found;
}

void ContactBlogs::mark(const pubsub::NodeKey& key, const std::string& how, bool active,
                        const std::string& reason) {
    auto node = store().node_state(key);
    json extra = node && node->extra.is_object() ? node->extra : json::object();
    extra[kFollowExtra] = {{"followed", how}, {"active", active}, {"reason", reason}};
    store().set_extra(key, extra);
}

void ContactBlogs::follow(const pubsub::NodeKey& key, const std::string& how,
                          std::function<void(const pubsub::CacheSyncResult&)> done) {
    mark(key, how, true, "");
    host_.log().info("blog of {} followed ({}), profile {}", key.service, how, key.profile);
    cache_.sync_node(key, [this, alive = alive_, key,
                           done = std::move(done)](const pubsub::CacheSyncResult& result) {
        if (!*alive) return;
        if (result.state == pubsub::SyncState::Error)
            host_.log().warn("blog of {}: {}", key.service, result.reason);
        // Stopped while it synced (the roster fetched at connect said so): the sync's
        // subscription and state go again.
        auto now = follow_state(key);
        if (now && !now->value("active", false))
            unfollow(key, now->value("reason", ""), now->value("followed", "") == kExplicit);
        if (done) done(result);
    });
}

void ContactBlogs::unfollow(const pubsub::NodeKey& key, const std::string& reason, bool by_user) {
    auto state = follow_state(key);
    // Unfollowed by the user: explicit from now on, so that a notification does not
    // follow it again.
    std::string how = state && !by_user ? state->value("followed", kNotification) : kExplicit;
    mark(key, how, false, reason);
    auto node = store().node_state(key);
    if (node && node->subscribed) {
        store().set_subscribed(key, false);
        XmppClient* client = host_.xmpp().client(key.profile);
        if (client != nullptr && client->connected())
            pubsub_.unsubscribe(key.profile, key.service, key.node,
                                [this, alive = alive_, key](std::optional<XmppError> error) {
                                    if (*alive && error)
                                        host_.log().info("blog of {}: {}", key.service,
                                                         error->message());
                                });
    }
    // The items stay (search finds them), but reads go to the server again.
    store().set_sync_state(key, std::nullopt, reason);
    host_.log().info("blog of {} no longer followed, profile {}: {}", key.service, key.profile,
                     reason);
}

std::vector<pubsub::NodeInfo> ContactBlogs::blogs(const std::string& profile) {
    pubsub::NodeFilter filter;
    filter.profile = profile;
    std::vector<pubsub::NodeInfo> found;
    for (auto& node : store().list_nodes(filter))
        if (is_blog(node, profile)) found.push_back(std::move(node));
    return found;
}

bool ContactBlogs::wanted(const pubsub::NodeKey& key, const std::string& how) {
    if (how == kExplicit || roster_ == nullptr) return true;
    auto item = roster_->item(key.profile, key.service);
    return item && presence_subscription(*item);
}

// A notification of a blog the cache does not hold whole: the owner's node is
// synced, so that the cache holds every post and not just the notified ones.
void ContactBlogs::on_published(const pubsub::ItemsEvent& event) {
    // Accounts' PEP services only: a pubsub service (no '@') is nobody's blog.
    if (event.node != kMicroblogNode || event.service.find('@') == std::string::npos) return;
    XmppClient* client = host_.xmpp().client(event.profile);
    if (client == nullptr || same_jid(event.service, client->bare_jid())) return;
    pubsub::NodeKey key{event.profile, bare_jid(event.service), event.node};
    auto state = follow_state(key);
    std::string how = state ? state->value("followed", kNotification) : kNotification;
    bool active = state && state->value("active", false);
    // Unfollowed by the user: notifications keep coming while the presence
    // subscription lasts, and do not follow the blog again.
    if (state && !active && how == kExplicit) return;
    // Already kept (read before, say): the cache applies the event; no resync.
    if (auto node = store().node_state(key); node && synced_or_syncing(*node)) {
        if (!active) mark(key, how, true, "");
        return;
    }
    follow(key, how);
}

// What was missed offline is fetched again; what the roster now refuses or allows
// (changed while Roost was away) is stopped or resumed.
void ContactBlogs::on_connected(const std::string& profile) {
    for (const auto& node : blogs(profile)) {
        const json& state = node.extra[kFollowExtra];
        bool active = state.value("active", false);
        std::string how = state.value("followed", kNotification);
        if (how == kExplicit && !active) continue;  // unfollowed by the user
        if (wanted(node.key, how))
            follow(node.key, how);
        else if (active)
            unfollow(node.key, "no presence subscription to " + node.key.service);
    }
}

void ContactBlogs::on_roster_change(const roster::RosterChange& change) {
    if (change.kind != roster::RosterChange::Kind::Item) return;
    pubsub::NodeKey key{change.profile, change.jid, kMicroblogNode};
    auto state = follow_state(key);
    if (!state || state->value("followed", kNotification) != kNotification) return;
    bool active = state->value("active", false);
    bool subscribed = change.item && presence_subscription(*change.item);
    if (subscribed && !active) {
        XmppClient* client = host_.xmpp().client(change.profile);
        if (client != nullptr && client->connected()) follow(key, kNotification);
    } else if (!subscribed && active) {
        unfollow(key, change.item ? "no presence subscription to " + change.jid
                                  : change.jid + " left the roster");
    }
}

// blog.follow, blog.unfollow, blog.following.
namespace {

using Handler = void (*)(Blog&, const json&, const Reply&);

ContactBlogs& contacts(Blog& blog) {
    if (blog.contacts == nullptr)
        throw RpcError{rpc_error::kUnavailable,
                       "no pubsub_cache plugin: contacts' blogs cannot be followed"};
    return *blog.contacts;
}

// The blog node of the `jid` param, which must name another account.
pubsub::NodeKey blog_param(const Account& account, const json& params) {
    std::string jid = bare_jid(jid_param(params, "jid"));
    if (jid.empty()) throw invalid("missing param \"jid\"");
    if (same_jid(jid, account.jid))
        throw invalid("\"jid\" is the account's own: its blog needs no following");
    return {account.profile, jid, kMicroblogNode};
}

int item_count(ContactBlogs& blogs, const pubsub::NodeKey& key) {
    return static_cast<int>(blogs.store().item_ids(key).size());
}

json blog_json(ContactBlogs& blogs, const pubsub::NodeInfo& node) {
    const json& state = node.extra[kFollowExtra];
    json subscription = nullptr;
    if (blogs.roster() != nullptr) {
        auto item = blogs.roster()->item(node.key.profile, node.key.service);
        if (item) subscription = std::string(roster::to_string(item->subscription));
    }
    return {{"jid", node.key.service},
            {"node", node.key.node},
            {"followed", state.value("followed", kNotification)},
            {"active", state.value("active", false)},
            {"reason", state.value("reason", "")},
            {"roster_subscription", subscription},
            {"sync_state", node.sync_state ? json(pubsub::to_string(*node.sync_state)) : json()},
            {"sync_reason", node.sync_reason},
            {"subscribed", node.subscribed},
            {"items", item_count(blogs, node.key)}};
}

void follow(Blog& blog, const json& params, const Reply& reply) {
    ContactBlogs& blogs = contacts(blog);
    Account account = account_param(blog, params);
    auto key = blog_param(account, params);
    blogs.follow(key, kExplicit,
                 [&blogs, alive = blog.alive, key, reply](const pubsub::CacheSyncResult& result) {
                     if (!*alive) return;
                     std::string where = "blog of " + key.service;
                     if (!result.state) {
                         reply->error({rpc_error::kNotFound, where + ": " + result.reason});
                         return;
                     }
                     if (result.state == pubsub::SyncState::Error) {
                         reply->error({rpc_error::kRemoteError, where + ": " + result.reason});
                         return;
                     }
                     auto node = blogs.store().node_state(key);
                     reply->result(node ? blog_json(blogs, *node) : json());
                 });
}

void unfollow(Blog& blog, const json& params, const Reply& reply) {
    ContactBlogs& blogs = contacts(blog);
    Account account = account_param(blog, params);
    auto key = blog_param(account, params);
    auto state = blogs.follow_state(key);
    if (!state || !state->value("active", false))
        throw RpcError{rpc_error::kNotFound, "the blog of " + key.service + " is not followed"};
    blogs.unfollow(key, "unfollowed", true);
    reply->result(blog_json(blogs, *blogs.store().node_state(key)));
}

void following(Blog& blog, const json& params, const Reply& reply) {
    ContactBlogs& blogs = contacts(blog);
    std::string profile = profile_param(blog.host.xmpp(), params);
    json list = json::array();
    for (const auto& node : blogs.blogs(profile)) list.push_back(blog_json(blogs, node));
    reply->result({{"profile", profile}, {"blogs", list}});
}

const std::pair<const char*, Handler> kMethods[] = {
    {"blog.follow", follow},
    {"blog.unfollow", unfollow},
    {"blog.following", following},
};

}  // namespace

void register_follow_methods(Blog& blog) { add_methods(blog.host.ipc(), blog, kMethods); }

void unregister_follow_methods(Blog& blog) { remove_methods(blog.host.ipc(), kMethods); }

}  // namespace roost::xep0277

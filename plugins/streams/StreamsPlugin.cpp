// SPDX-License-Identifier: MIT
#include "StreamsPlugin.hpp"

#include "StreamJson.hpp"
#include "StreamMethods.hpp"

#include <algorithm>
#include <stdexcept>

namespace roost::streams {
namespace {

using nlohmann::json;

pubsub::NodeKey blog_of(const std::string& profile, const std::string& jid) {
    return {profile, jid, kMicroblogNode};
}

}  // namespace

std::string topic_of(const std::string& profile, const std::string& name) {
    return "stream:" + profile + "/" + name;
}

void StreamsPlugin::tell(const StreamId& id, const std::string& event, json data) {
    data["profile"] = id.first;
    data["stream"] = id.second;
    data["event"] = event;
    host_->ipc().notify(topic_of(id.first, id.second), data);
}

void StreamsPlugin::start(Host& host) {
    host_ = &host;
    cache_ = host.plugin_as<pubsub::CacheSyncApi>(pubsub::kCachePluginName);
    if (!cache_) throw std::runtime_error("streams need the pubsub_cache plugin");
    roster_ = host.plugin_as<roster::RosterApi>(roster::kPluginName);
    items_handler_ = cache_->on_items_changed(
        [this](const pubsub::CachedItemsChange& change) { on_items_changed(change); });
    if (roster_)
        roster_handler_ = roster_->on_change(
            [this](const roster::RosterChange& change) { on_roster_change(change); });
    register_methods(*this);
}

void StreamsPlugin::stop() {
    *alive_ = false;
    unregister_methods(*this);
    cache_->remove_items_handler(items_handler_);
    if (roster_) roster_->remove_change_handler(roster_handler_);
    streams_.clear();
    joining_.clear();
}

LiveStream& StreamsPlugin::live(const StreamId& id) {
    auto found = streams_.find(id);
    if (found != streams_.end()) return found->second;
    LiveStream loaded;
    if (auto stored = host_->stream_store().get(id.first, id.second)) {
        loaded.defined = true;
        loaded.rule = StreamRule::from_json(stored->rule);
        loaded.feeds = resolve(id.first, loaded.rule);
    }
    return streams_.emplace(id, std::move(loaded)).first->second;
}

std::vector<pubsub::NodeKey> StreamsPlugin::resolve(const std::string& profile,
                                                    const StreamRule& rule) {
    std::vector<pubsub::NodeKey> feeds;
    std::optional<std::vector<roster::RosterItem>> contacts;
    auto roster_items = [&]() -> const std::vector<roster::RosterItem>& {
        if (!contacts)
            contacts = roster_ ? roster_->items(profile) : std::vector<roster::RosterItem>{};
        return *contacts;
    };
    for (const auto& feed : rule.feeds) {
        if (auto* node = std::get_if<NodeSelector>(&feed)) {
            feeds.push_back({profile, node->service, node->node});
        } else if (auto* blog = std::get_if<BlogSelector>(&feed)) {
            feeds.push_back(blog_of(profile, blog->jid));
        } else if (auto* group = std::get_if<GroupSelector>(&feed)) {
            for (const auto& item : roster_items())
                if (std::find(item.groups.begin(), item.groups.end(), group->group) !=
                    item.groups.end())
                    feeds.push_back(blog_of(profile, item.jid));
        } else if (std::holds_alternative<ContactsSelector>(feed)) {
            for (const auto& item : roster_items()) feeds.push_back(blog_of(profile, item.jid));
        } else {
            pubsub::NodeFilter filter;
            filter.profile = profile;
            filter.type = std::get<TypeSelector>(feed).type;
            for (const auto& cached : host_->pubsub_store().list_nodes(filter))
                feeds.push_back(cached.key);
        }
    }
    std::sort(feeds.begin(), feeds.end());
    feeds.erase(std::unique(feeds.begin(), feeds.end()), feeds.end());
    return feeds;
}

bool StreamsPlugin::define(const std::string& profile, const std::string& name,
                           const StreamRule& rule) {
    StreamId id{profile, name};
    LiveStream& stream = live(id);  // first: its feeds before, for what joins and leaves
    bool replaced = host_->stream_store().define(profile, name, rule.to_json());
    stream.defined = true;
    stream.rule = rule;
    recompose(id, replaced ? "replaced" : "defined", true);
    return replaced;
}

bool StreamsPlugin::remove(const std::string& profile, const std::string& name) {
    if (!host_->stream_store().remove(profile, name)) return false;
    streams_.erase({profile, name});
    tell({profile, name}, "deleted", json::object());
    return true;
}

const LiveStream* StreamsPlugin::find(const std::string& profile, const std::string& name) {
    const LiveStream& stream = live({profile, name});
    return stream.defined ? &stream : nullptr;
}

FeedState StreamsPlugin::feed_state(const pubsub::NodeKey& key) {
    if (auto found = feed_states_.find(key); found != feed_states_.end()) return found->second;
    auto node = host_->pubsub_store().node_state(key);
    if (!node || !node->sync_state) return {"not cached", ""};
    switch (*node->sync_state) {
        case pubsub::SyncState::Completed: return {"synced", ""};
        case pubsub::SyncState::InProgress: return {"syncing", ""};
        case pubsub::SyncState::Partial: return {"partial", node->sync_reason};
        case pubsub::SyncState::Error: return {"failed", node->sync_reason};
    }
    return {};
}

void StreamsPlugin::recompose(const StreamId& id, const std::string& why, bool always) {
    LiveStream& stream = live(id);
    auto before = stream.feeds;
    stream.feeds = resolve(id.first, stream.rule);
    std::vector<pubsub::NodeKey> joined, left;
    std::set_difference(stream.feeds.begin(), stream.feeds.end(), before.begin(), before.end(),
                        std::back_inserter(joined));
    std::set_difference(before.begin(), before.end(), stream.feeds.begin(), stream.feeds.end(),
                        std::back_inserter(left));
    if (!always && joined.empty() && left.empty()) return;
    // Counts and changes, not every feed: stream.show lists them.
    tell(id, "recomposed",
         {{"why", why},
          {"feeds", stream.feeds.size()},
          {"joined", feeds_json(joined)},
          {"left", feeds_json(left)}});
    // The joined feeds the cache holds bring their newest items in one notification; the
    // others theirs once synced.
    std::vector<pubsub::NodeKey> cached;
    for (const auto& key : joined) {
        auto node = host_->pubsub_store().node_state(key);
        if (node && pubsub::held_by_sync(node->sync_state))
            cached.push_back(key);
        else
            sync_feed(id, key);
    }
    send_items(id, cached, {}, kJoiningItems);
}

void StreamsPlugin::sync_feed(const StreamId& id, const pubsub::NodeKey& key) {
    feed_states_[key] = {"syncing", ""};
    joining_.insert({id, key});
    cache_->sync_node(key, [this, alive = alive_, id, key](const pubsub::CacheSyncResult& result) {
        if (!*alive) return;
        if (!result.state)
            feed_states_[key] = {"not cached",
                                 result.reason.empty() ? "no analyser keeps it" : result.reason};
        else if (*result.state == pubsub::SyncState::Error)
            feed_states_[key] = {"failed", result.reason};
        else
            feed_states_.erase(key);  // the store tells from now on
        auto state = feed_state(key);
        tell(id, "feed",
             {{"feed", feed_json(key)}, {"state", state.state}, {"reason", state.reason}});
        // Its items, unless the change the cache told before this brought them.
        bool waiting = joining_.erase({id, key}) > 0;
        bool held = state.state == "synced" || state.state == "partial";
        if (!waiting || !held || !streams_.contains(id)) return;
        auto& feeds = streams_.at(id).feeds;
        if (std::binary_search(feeds.begin(), feeds.end(), key))
            send_items(id, {key}, {}, kJoiningItems);
    });
}

void StreamsPlugin::send_items(const StreamId& id, std::vector<pubsub::NodeKey> keys,
                               std::vector<std::string> ids, int limit) {
    if (keys.empty()) return;
    LiveStream& stream = live(id);
    pubsub::MergedQuery query{id.first,     std::move(keys), 0,
                              std::nullopt, std::move(ids),  stream.rule.query};
    for (int left = limit; left > 0;) {
        query.limit = std::min(left, kItemsPerNotification);
        auto page = host_->pubsub_store().merged_items(query);
        if (page.items.empty()) return;
        tell(id, "items", {{"items", items_json(page.items)}});
        left -= static_cast<int>(page.items.size());
        if (!page.more) return;
        query.after = page.items.back().cursor;
    }
}

void StreamsPlugin::on_items_changed(const pubsub::CachedItemsChange& change) {
    const std::string& profile = change.node.profile;
    for (const auto& stored : host_->stream_store().list(profile)) {
        StreamId id{profile, stored.name};
        LiveStream& stream = live(id);
        bool member = std::binary_search(stream.feeds.begin(), stream.feeds.end(), change.node);
        if (!member) {
            // A node of a selected type the cache did not hold before joins now.
            bool typed = std::any_of(
                stream.rule.feeds.begin(), stream.rule.feeds.end(),
                [](const FeedSelector& f) { return std::holds_alternative<TypeSelector>(f); });
            if (typed) recompose(id, "new node", false);
            continue;
        }
        // A feed the stream has not sent yet brings its newest, as a joining feed does.
        if (joining_.erase({id, change.node}) > 0 || change.new_node) {
            send_items(id, {change.node}, {}, kJoiningItems);
            continue;
        }
        if (!change.stored.empty())
            send_items(id, {change.node}, change.stored, static_cast<int>(change.stored.size()));
        if (!change.retracted.empty()) {
            json retracted = json::array();
            for (const auto& item : change.retracted)
                retracted.push_back({{"feed", feed_json(change.node)}, {"id", item}});
            tell(id, "retracted", {{"items", retracted}});
        }
    }
}

void StreamsPlugin::on_roster_change(const roster::RosterChange& change) {
    if (change.kind != roster::RosterChange::Kind::Item) return;
    for (const auto& stored : host_->stream_store().list(change.profile)) {
        StreamId id{change.profile, stored.name};
        if (live(id).rule.dynamic()) recompose(id, "roster", false);
    }
}

}  // namespace roost::streams

ROOST_PLUGIN(roost::streams::StreamsPlugin, "streams", "0.1.0", ("pubsub_cache"), ("roster"));

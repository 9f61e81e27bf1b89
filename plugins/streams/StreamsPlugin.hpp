// SPDX-License-Identifier: MIT
// StreamsPlugin: each profile's streams, named views that merge the items of many cached
// feeds newest first (doc/streams.md). A stream's rule is kept in the database; its feeds
// are resolved from the rule, the roster and the cache, and followed live: a contact
// joining a selected group, or a new cached node of a selected type, joins the stream.
// Subscribers listen to the stream's topic (topic_of), which outlives definitions.
#pragma once

#include "StreamRule.hpp"
#include "roost/Host.hpp"
#include "roost/Plugin.hpp"
#include "roost/PubsubCache.hpp"
#include "roost/Roster.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace roost::streams {

inline constexpr const char* kMicroblogNode = "urn:xmpp:microblog:0";
// Items the feeds that join a stream bring to its subscribers at once (the newest of them
// all); older ones are a stream.get away.
inline constexpr int kJoiningItems = 20;
// The most items one `items` notification carries; more (a resync's) come in several.
inline constexpr int kItemsPerNotification = 100;

// "stream:alice/news", the topic stream.subscribe subscribes to (rpc.subscribe too); a
// stream not defined yet is fine.
std::string topic_of(const std::string& profile, const std::string& name);

// Where a feed of a stream stands in the cache.
struct FeedState {
    std::string state = "unknown";  // "synced", "syncing", "failed", "not cached"
    std::string reason;
};

// A stream as the plugin holds it: its rule and the feeds it resolves to now.
struct LiveStream {
    bool defined = false;  // false: no such stream (yet)
    StreamRule rule;
    std::vector<pubsub::NodeKey> feeds;  // sorted, unique
};

// Reactor thread only.
class StreamsPlugin final : public Plugin {
public:
    void start(Host& host) override;
    void stop() override;

    Host& host() { return *host_; }

    // Stores the rule, resolves its feeds, syncs those the cache lacks in the background
    // and tells subscribers; true when it replaced a stream.
    bool define(const std::string& profile, const std::string& name, const StreamRule& rule);
    bool remove(const std::string& profile, const std::string& name);
    // A defined stream, read from the database once; nullptr for none.
    const LiveStream* find(const std::string& profile, const std::string& name);
    FeedState feed_state(const pubsub::NodeKey& key);

private:
    using StreamId = std::pair<std::string, std::string>;  // profile, name

    std::vector<pubsub::NodeKey> resolve(const std::string& profile, const StreamRule& rule);
    // Resolves the stream again; announces the change (`why`) and the joined feeds' items,
    // syncing those the cache lacks. Nothing is sent when the feeds are the same, unless
    // `always` (a definition).
    void recompose(const StreamId& id, const std::string& why, bool always);
    void sync_feed(const StreamId& id, const pubsub::NodeKey& key);
    // The newest `limit` items of `keys` (only `ids`, when given), newest first, in
    // notifications of at most kItemsPerNotification.
    void send_items(const StreamId& id, std::vector<pubsub::NodeKey> keys,
                    std::vector<std::string> ids, int limit);
    void on_items_changed(const pubsub::CachedItemsChange& change);
    // Notifies the stream's subscribers of `event`, with `data` (an object) besides.
    void tell(const StreamId& id, const std::string& event, nlohmann::json data);
    void on_roster_change(const roster::RosterChange& change);
    LiveStream& live(const StreamId& id);  // loaded from the store on first use

    Host* host_ = nullptr;
    pubsub::CacheSyncApi* cache_ = nullptr;
    roster::RosterApi* roster_ = nullptr;  // may be missing: then no group/contacts feeds
    std::uint64_t items_handler_ = 0;
    roster::RosterHandlerId roster_handler_ = 0;
    std::map<StreamId, LiveStream> streams_;
    std::map<pubsub::NodeKey, FeedState> feed_states_;
    // Feeds that joined a stream uncached: their newest items go out once, when the
    // cache tells their sync's change or else when the sync ends.
    std::set<std::pair<StreamId, pubsub::NodeKey>> joining_;
    // Syncs the cache runs for us may end after stop(): their callbacks check this.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace roost::streams

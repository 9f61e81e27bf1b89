// SPDX-License-Identifier: MIT
// CacheBackend: the real xep_0060 and pubsub_cache plugins (the built modules) in a
// TestBackend, with profile "alice" connected to a FakeXmpp: the cache's state
// machine driven stanza by stanza, in process, without a server.
#pragma once

#include "roost/Analyser.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubCache.hpp"
#include "tests/support/FakeXmpp.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestHost.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace roost::test {

inline constexpr const char* kAlice = "alice";
inline constexpr const char* kAliceJid = "alice@example.org";
inline constexpr const char* kService = "pubsub.example.org";
// Nodes named "notes*" are kept in sync by the analyser the fixture registers.
inline constexpr const char* kNotes = "notes";

class CacheBackend {
public:
    // `cache_settings`: [plugins.pubsub_cache] (first_retry_ms defaults to 20 here).
    explicit CacheBackend(nlohmann::json cache_settings = nlohmann::json::object());
    CacheBackend(const CacheBackend&) = delete;
    CacheBackend& operator=(const CacheBackend&) = delete;

    pubsub::PubsubApi& pubsub();
    void add_analyser(pubsub::Analyser analyser);

    // Runs the reactor's turns that are due now (stores of fetched pages, say).
    void settle();
    // A read of `node` at kService as a client asks for it (through the cache's hook).
    // The answer lands in the returned slot.
    std::shared_ptr<std::optional<pubsub::GetItemsAnswer>> read(
        const std::string& node, pubsub::GetItemsRequest request = {});
    // `pubsub.cache.sync` of `node` at kService.
    std::shared_ptr<RecordedReply> sync(const std::string& node);
    // sync(), with its subscription answered.
    std::shared_ptr<RecordedReply> sync_subscribed(const std::string& node);
    // Delivers a <message/> to alice.
    void inject(const std::string& message_xml) { backend.xmpp.inject(kAlice, message_xml); }

    // What the cache holds of `node` at kService, in the order it answers with.
    std::vector<std::string> cached_ids(const std::string& node);
    std::optional<pubsub::NodeInfo> node_state(const std::string& node);

    TempDir plugin_dir;
    TestBackend backend;
    FakeClient* alice = nullptr;
    // Every change the cache told its items-changed handlers, oldest first.
    std::vector<pubsub::CachedItemsChange> changes;
};

inline constexpr const char* kRsmFeature = "http://jabber.org/protocol/pubsub#rsm";

// Answers the subscription request for `node` that `client` sent.
void answer_subscribe(FakeClient& client, const std::string& node);
// Answers the oldest subscription request `client` sent; returns its node.
std::string answer_next_subscribe(FakeClient& client);
// Takes the next items request, answering first the disco#info that asks whether the
// service pages, if that is what `client` sent last (with `features`).
SentIq next_items_request(FakeClient& client,
                          const std::vector<std::string>& features = {kRsmFeature});

}  // namespace roost::test

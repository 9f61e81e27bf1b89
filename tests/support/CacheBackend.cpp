// SPDX-License-Identifier: MIT
// CacheBackend: loading the built plugins over a FakeXmpp.
#include "tests/support/CacheBackend.hpp"

#include "src/core/PluginHost.hpp"
#include "tests/support/PubsubStanzas.hpp"

#include <doctest/doctest.h>

namespace roost::test {

CacheBackend::CacheBackend(nlohmann::json cache_settings) {
    if (!cache_settings.contains("first_retry_ms")) cache_settings["first_retry_ms"] = 20;
    backend.settings[pubsub::kCachePluginName] = std::move(cache_settings);
    backend.start_built_plugins(plugin_dir.path(), {pubsub::kPluginName, pubsub::kCachePluginName});
    pubsub::Analyser notes;
    notes.name = "notes";
    notes.type = "notes";
    notes.node = "notes*";
    notes.to_sync = true;
    add_analyser(std::move(notes));
    auto* cache =
        dynamic_cast<pubsub::CacheSyncApi*>(backend.plugins.find(pubsub::kCachePluginName));
    REQUIRE(cache != nullptr);
    cache->on_items_changed(
        [this](const pubsub::CachedItemsChange& change) { changes.push_back(change); });
    alice = &backend.xmpp.connect(kAlice, kAliceJid);
}

pubsub::PubsubApi& CacheBackend::pubsub() {
    auto* api = dynamic_cast<pubsub::PubsubApi*>(backend.plugins.find(pubsub::kPluginName));
    REQUIRE(api != nullptr);
    return *api;
}

void CacheBackend::add_analyser(pubsub::Analyser analyser) {
    auto* registry =
        dynamic_cast<pubsub::AnalyserRegistry*>(backend.plugins.find(pubsub::kCachePluginName));
    REQUIRE(registry != nullptr);
    registry->add_analyser(std::move(analyser));
}

void CacheBackend::settle() {
    for (int turn = 0; turn < 50; ++turn) backend.reactor.run_once(std::chrono::milliseconds(0));
}

std::shared_ptr<std::optional<pubsub::GetItemsAnswer>> CacheBackend::read(
    const std::string& node, pubsub::GetItemsRequest request) {
    request.profile = kAlice;
    request.service = kService;
    request.node = node;
    auto slot = std::make_shared<std::optional<pubsub::GetItemsAnswer>>();
    pubsub().get_items(std::move(request),
                       [slot](pubsub::GetItemsAnswer answer) { *slot = std::move(answer); });
    return slot;
}

std::shared_ptr<RecordedReply> CacheBackend::sync(const std::string& node) {
    return backend.ipc.call("pubsub.cache.sync",
                            {{"profile", kAlice}, {"service", kService}, {"node", node}});
}

std::shared_ptr<RecordedReply> CacheBackend::sync_subscribed(const std::string& node) {
    auto reply = sync(node);
    answer_subscribe(*alice, node);
    return reply;
}

std::vector<std::string> CacheBackend::cached_ids(const std::string& node) {
    return backend.pubsub_store.item_ids({kAlice, kService, node});
}

std::optional<pubsub::NodeInfo> CacheBackend::node_state(const std::string& node) {
    return backend.pubsub_store.node_state({kAlice, kService, node});
}

void answer_subscribe(FakeClient& client, const std::string& node) {
    REQUIRE(answer_next_subscribe(client) == node);
}

std::string answer_next_subscribe(FakeClient& client) {
    SentIq iq = client.next_iq("subscribe");
    std::string node = iq.node();
    client.answer(iq, "<pubsub xmlns='http://jabber.org/protocol/pubsub'><subscription node='" +
                          node + "' jid='" + client.bare_jid() +
                          "' subscription='subscribed'/>"
                          "</pubsub>");
    return node;
}

SentIq next_items_request(FakeClient& client, const std::vector<std::string>& features) {
    if (client.waiting() > 0 && client.sent().back().find("disco#info") != std::string::npos)
        client.answer(client.next_iq("query"), stanza::disco_info(features));
    return client.next_iq("items");
}

}  // namespace roost::test

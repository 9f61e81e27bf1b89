// SPDX-License-Identifier: MIT
// CachePlugin: wiring of triggers, connections and timers to syncs and the store.
#include "CachePlugin.hpp"

#include "CacheAnswer.hpp"
#include "CacheEvents.hpp"
#include "CacheMethods.hpp"
#include "NodeExtra.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>
#include <stdexcept>
#include <string_view>

namespace roost::cache {
namespace {

constexpr std::chrono::milliseconds kLongestRetry{std::chrono::minutes(10)};
constexpr const char* kMaxItems = "max_items";

// A non-negative integer setting of [plugins.pubsub_cache], `fallback` when absent;
// anything else stops the plugin with the reason rather than being read as no cap.
int setting(const nlohmann::json& settings, const char* name, int fallback) {
    auto value = settings.find(name);
    if (value == settings.end()) return fallback;
    if (!value->is_number_integer() || value->get<long long>() < 0 ||
        value->get<long long>() > std::numeric_limits<int>::max())
        throw std::runtime_error(std::string("[plugins.pubsub_cache] ") + name +
                                 " must be a non-negative integer, not " + value->dump());
    return value->get<int>();
}

// A number of pubsub#max_items; nothing for "max" (no limit) or no answer.
std::optional<int> max_items_in(const pubsub::NodeConfiguration& configuration) {
    auto field = configuration.find("pubsub#max_items");
    if (field == configuration.end() || field->second.empty()) return std::nullopt;
    try {
        std::size_t used = 0;
        int max = std::stoi(field->second.front(), &used);
        if (used == field->second.front().size() && max > 0) return max;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

// Every item of the node, as a sync fetches it.
bool reads_whole_node(const pubsub::GetItemsRequest& request) {
    return request.item_ids.empty() && !request.max_items && !request.rsm;
}

bool same_ascii_case_insensitive(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

}  // namespace

void CachePlugin::start(Host& host) {
    host_ = &host;
    api_ = host.plugin_as<pubsub::PubsubApi>(pubsub::kPluginName);
    if (api_ == nullptr) throw std::runtime_error("the xep_0060 plugin offers no PubsubApi");
    configuration_api_ = host.plugin_as<pubsub::NodeConfigurationApi>(pubsub::kPluginName);
    max_items_per_node_ = setting(host.settings(), "max_items_per_node", 0);
    max_item_bytes_ = static_cast<std::size_t>(
        setting(host.settings(), "max_item_bytes", static_cast<int>(kDefaultMaxItemBytes)));
    first_retry_ = std::chrono::milliseconds(setting(host.settings(), "first_retry_ms", 5000));
    republish_order_ = std::make_unique<RepublishOrder>(host, *api_, alive_);
    TurnBatch::Handlers batch;
    batch.committed = [this](const pubsub::CachedItemsChange& change) {
        tell_items_changed(change);
    };
    batch.lost = [this, alive = alive_](const std::set<pubsub::NodeKey>& nodes) {
        if (!*alive) return;  // stopping: the next session syncs subscribed nodes again
        for (const auto& key : nodes) schedule_retry(key);
    };
    turn_batch_.emplace(host, std::move(batch));
    triggers_.push_back(host.triggers().add(
        pubsub::kGetItems,
        [this](TriggerContext& context, const TriggerResume&) {
            return on_get_items(static_cast<pubsub::GetItemsContext&>(context));
        },
        kGetItemsPriority));
    add_event_handlers();
    connection_handler_ = host.xmpp().on_connection([this](XmppClient& client, bool connected) {
        if (connected) on_connected(client);
    });
    register_cache_methods(*this);
}

void CachePlugin::stop() {
    *alive_ = false;
    unregister_cache_methods(*this);
    for (auto id : triggers_) host_->triggers().remove(id);
    triggers_.clear();
    host_->xmpp().remove_handler(connection_handler_);
    forget_syncs("");
    items_handlers_.clear();  // stopping: nobody is told any more
    turn_batch_.reset();      // commits the events of this turn
    analysers_.clear();
}

TriggerDecision CachePlugin::on_get_items(pubsub::GetItemsContext& context) {
    const auto& request = context.request;
    if (request.no_cache) return TriggerDecision::Continue;
    auto key = node_key(request.profile, request.service, request.node);
    if (syncing(key)) return TriggerDecision::Continue;
    if (auto node = store().node_state(key); node && can_answer(store(), key)) {
        context.reply(answer_from_cache(store(), key, request, server_pages(*node)));
        return TriggerDecision::TakeOver;
    }
    // A capped node cannot answer, yet events keep it current: no resync per read.
    if (auto node = store().node_state(key);
        node && node->sync_state == pubsub::SyncState::Partial && node->subscribed)
        return TriggerDecision::Continue;
    if (auto analyser = analysers_.by_node(key.service, key.node)) {
        if (!analyser->to_sync) return TriggerDecision::Continue;
        if (reads_whole_node(request))
            sync_from_answer(context, key, std::move(analyser));
        else
            start_sync(key, std::move(analyser), false, {});
        return TriggerDecision::Continue;
    }
    watch_first_answer(context);
    return TriggerDecision::Continue;
}

// The node's name says nothing: the server's answer, through its first item's
// payload namespace, tells whether an analyser wants the node.
void CachePlugin::watch_first_answer(pubsub::GetItemsContext& context) {
    const auto& request = context.request;
    auto key = node_key(request.profile, request.service, request.node);
    context.reply = [this, alive = alive_, key,
                     reply = std::move(context.reply)](pubsub::GetItemsAnswer answer) {
        if (*alive && answer.ok() && !answer.page.items.empty() && !syncing(key)) {
            auto ns = payload_namespace(answer.page.items.front().xml);
            auto analyser = analysers_.match(key.service, key.node, ns);
            if (analyser && analyser->to_sync && !can_answer(store(), key))
                start_sync(key, std::move(analyser), false, {});
        }
        reply(std::move(answer));
    };
}

void CachePlugin::sync_from_answer(pubsub::GetItemsContext& context, const pubsub::NodeKey& key,
                                   std::optional<pubsub::Analyser> analyser) {
    std::weak_ptr<NodeSync> node_sync = start_sync(key, std::move(analyser), false, {}, false);
    context.reply = [node_sync, reply = std::move(context.reply)](pubsub::GetItemsAnswer answer) {
        if (auto running = node_sync.lock()) running->take_answer(answer);
        reply(std::move(answer));
    };
}

void CachePlugin::sync(const pubsub::NodeKey& key, bool explicit_sync, SyncDone done) {
    std::optional<pubsub::Analyser> analyser;
    if (auto node = store().node_state(key)) {
        if (!node->analyser.empty())
            analyser = analysers_.by_name(node->analyser);
        else
            explicit_sync = true;  // held with no analyser: it was synced explicitly
    }
    if (!analyser) analyser = analysers_.by_node(key.service, key.node);
    start_sync(key, std::move(analyser), explicit_sync, std::move(done));
}

void CachePlugin::sync_node(const pubsub::NodeKey& key,
                            std::function<void(const pubsub::CacheSyncResult&)> done) {
    sync(node_key(key.profile, key.service, key.node), false,
         [alive = alive_, done = std::move(done)](const SyncOutcome& outcome) {
             if (*alive && done) done({outcome.state, outcome.reason, outcome.items});
         });
}

std::shared_ptr<NodeSync> CachePlugin::start_sync(const pubsub::NodeKey& key,
                                                  std::optional<pubsub::Analyser> analyser,
                                                  bool explicit_sync, SyncDone done, bool fetch) {
    if (auto running = syncs_.find(key); running != syncs_.end()) {
        if (done) running->second->add_waiter(std::move(done));
        return running->second;
    }
    SyncServices services{*host_, *api_, analysers_, max_items_per_node_, max_item_bytes_};
    auto node_sync = std::make_shared<NodeSync>(services, key, std::move(analyser), explicit_sync);
    if (done) node_sync->add_waiter(std::move(done));
    syncs_[key] = node_sync;
    node_sync->start([this, key](const SyncOutcome& outcome) { on_sync_done(key, outcome); },
                     fetch);
    return node_sync;
}

void CachePlugin::on_sync_done(const pubsub::NodeKey& key, const SyncOutcome& outcome) {
    auto found = syncs_.find(key);
    if (found == syncs_.end()) return;
    auto node_sync = found->second;
    syncs_.erase(found);
    bool whole = pubsub::held_by_sync(outcome.state);
    const auto& change = node_sync->change();
    if (whole && (change.new_node || !change.stored.empty() || !change.retracted.empty()))
        tell_items_changed(change);
    if (outcome.state == pubsub::SyncState::Error)
        schedule_retry(key);
    else
        forget_retry(key);
    // Events that came during the sync, in their order, now that it stored its items.
    for (auto& event : node_sync->take_deferred()) on_event(key, std::move(event));
    if (whole) {
        read_max_items(key);
        api_->supports_rsm(key.profile, key.service, [this, alive = alive_, key](bool pages) {
            if (*alive) remember(store(), key, kServerPages, pages);
        });
    }
    for (auto& waiter : node_sync->take_waiters()) waiter(outcome);
}

void CachePlugin::forget_retry(const pubsub::NodeKey& key) {
    auto found = retries_.find(key);
    if (found == retries_.end()) return;
    if (found->second.timer != 0) host_->cancel_timer(found->second.timer);
    retries_.erase(found);
}

void CachePlugin::schedule_retry(const pubsub::NodeKey& key) {
    Retry& retry = retries_[key];
    if (retry.timer != 0) host_->cancel_timer(retry.timer);
    retry.delay =
        retry.delay.count() == 0 ? first_retry_ : std::min(retry.delay * 2, kLongestRetry);
    retry.timer = host_->add_timer(retry.delay, [this, key] {
        retries_[key].timer = 0;
        XmppClient* client = host_->xmpp().client(key.profile);
        // Offline: the reconnect retries it.
        if (client != nullptr && client->connected()) sync(key, false);
    });
    host_->log().info("cache: retrying {} in {} ms", key.node, retry.delay.count());
}

pubsub::NodeKey CachePlugin::node_key(const std::string& profile, const std::string& service,
                                      const std::string& node) {
    XmppClient* client = host_->xmpp().client(profile);
    if (client != nullptr && same_ascii_case_insensitive(service, client->bare_jid()))
        return {profile, "", node};
    return {profile, service, node};
}

// Prosody trims past max_items silently: the cache must trim by itself.
void CachePlugin::read_max_items(const pubsub::NodeKey& key) {
    if (configuration_api_ == nullptr) return;
    configuration_api_->node_configuration(
        key.profile, key.service, key.node,
        [this, alive = alive_, key](pubsub::NodeConfiguration configuration,
                                    std::optional<XmppError> error) {
            if (!*alive) return;
            // Not the owner: the server keeps max_items to itself; resyncs still
            // drop what it trimmed.
            auto max = error ? std::nullopt : max_items_in(configuration);
            remember(store(), key, kMaxItems, max ? nlohmann::json(*max) : nlohmann::json());
            if (int keep = items_to_keep(key); keep > 0) store().trim_to_max_items(key, keep);
        });
}

int CachePlugin::items_to_keep(const pubsub::NodeKey& key) {
    int keep = max_items_per_node_;
    auto node = store().node_state(key);
    if (!node || !node->extra.is_object()) return keep;
    auto found = node->extra.find(kMaxItems);
    if (found == node->extra.end() || !found->is_number_integer()) return keep;
    int max = found->get<int>();
    return keep > 0 ? std::min(keep, max) : max;
}

void CachePlugin::abandon_syncs(const std::function<bool(const pubsub::NodeKey&)>& matches,
                                const std::string& reason) {
    std::vector<std::shared_ptr<NodeSync>> abandoned;
    for (auto it = syncs_.begin(); it != syncs_.end();) {
        if (!matches(it->first)) {
            ++it;
            continue;
        }
        abandoned.push_back(it->second);
        it = syncs_.erase(it);
    }
    for (auto& node_sync : abandoned) {
        store().set_sync_state(node_sync->key(), std::nullopt, reason);
        for (auto& waiter : node_sync->take_waiters()) waiter({std::nullopt, reason, 0});
    }
}

void CachePlugin::forget_syncs(const std::string& profile) {
    for (auto it = syncs_.begin(); it != syncs_.end();) {
        if (profile.empty() || it->first.profile == profile)
            it = syncs_.erase(it);
        else
            ++it;
    }
    for (auto it = retries_.begin(); it != retries_.end();) {
        if (!profile.empty() && it->first.profile != profile) {
            ++it;
            continue;
        }
        if (it->second.timer != 0) host_->cancel_timer(it->second.timer);
        it = retries_.erase(it);
    }
}

// What may be stale after time offline: subscribed synced nodes (events were missed,
// unless the session resumed: the server delivered them), syncs the daemon stopped in
// the middle of, and syncs that failed (those the outage broke among them).
void CachePlugin::on_connected(const XmppClient& client) {
    pubsub::NodeFilter filter;
    filter.profile = client.profile();
    for (const auto& node : store().list_nodes(filter)) {
        if (!node.sync_state) continue;
        bool missed_events = node.subscribed && !client.resumed();
        if (pubsub::held_by_sync(node.sync_state) && !missed_events) continue;
        sync(node.key, false);
    }
}

void CachePlugin::on_event(const pubsub::NodeKey& key, CacheEvent event) {
    if (auto running = syncs_.find(key); running != syncs_.end()) {
        running->second->defer(std::move(event));
        return;
    }
    if (!store().node_state(key)) return;
    turn_batch_->join(key);
    apply_event(key, event);
}

void CachePlugin::apply_event(const pubsub::NodeKey& key, const CacheEvent& event) {
    try {
        Changes told;
        event(told);
        turn_batch_->tell(std::move(told));
    } catch (const std::exception& e) {
        // SQLite undid the event's writes (a full disk, say): the node is behind its
        // server until it syncs again.
        host_->log().error("cache: an event of {} could not be stored: {}", key.node, e.what());
        schedule_retry(key);
    }
}

// Too large to keep: an older copy goes, and reads of the node go to the server.
void CachePlugin::leave_out(const pubsub::NodeKey& key, const ItemSizeLimit& limit,
                            pubsub::CachedItemsChange& change) {
    change.retracted = limit.left_out_ids();
    apply_retracted(store(), key, change.retracted);
    store().set_sync_state(key, pubsub::SyncState::Partial, limit.reason());
    host_->log().warn("cache: {} at {}: {}", key.node,
                      key.service.empty() ? "own PEP" : key.service, limit.reason());
}

std::uint64_t CachePlugin::on_items_changed(ItemsChangeHandler handler) {
    items_handlers_.emplace(next_items_handler_, std::move(handler));
    return next_items_handler_++;
}

void CachePlugin::tell_items_changed(const pubsub::CachedItemsChange& change) {
    // A handler may remove itself (or another): go by a copy of the ids.
    std::vector<std::uint64_t> ids;
    for (const auto& [id, handler] : items_handlers_) ids.push_back(id);
    for (auto id : ids) {
        auto found = items_handlers_.find(id);
        if (found == items_handlers_.end()) continue;
        auto handler = found->second;  // it may remove itself while it runs
        try {
            handler(change);
        } catch (const std::exception& e) {  // another plugin's: the cache goes on
            host_->log().error("an items-changed handler failed: {}", e.what());
        }
    }
}

void CachePlugin::add_event_handlers() {
    auto& triggers = host_->triggers();
    auto items_handler = [this](bool published) {
        return [this, published](TriggerContext& context, const TriggerResume&) {
            auto& event = static_cast<pubsub::ItemsEvent&>(context);
            auto key = node_key(event.profile, event.service, event.node);
            if (published)
                on_event(key, [this, key, items = event.items](Changes& told) mutable {
                    ItemSizeLimit limit(max_item_bytes_);
                    auto kept = limit.keep_fitting(std::move(items));  // run once
                    auto republished = republish_order_->held_before_last(key, kept);
                    apply_published(store(), analysers_, key, kept, items_to_keep(key));
                    republish_order_->place(key, std::move(republished));
                    pubsub::CachedItemsChange change{key, {}, {}};
                    for (const auto& item : kept) change.stored.push_back(item.id);
                    if (limit.any_left_out()) leave_out(key, limit, change);
                    told.push_back(std::move(change));
                });
            else
                on_event(key, [this, key, ids = event.retracted](Changes& told) {
                    apply_retracted(store(), key, ids);
                    told.push_back({key, {}, ids});
                });
            return TriggerDecision::Continue;
        };
    };
    triggers_.push_back(triggers.add(pubsub::kEventItems, items_handler(true), kGetItemsPriority));
    triggers_.push_back(
        triggers.add(pubsub::kEventRetract, items_handler(false), kGetItemsPriority));

    using Apply = void (*)(CachePlugin&, const pubsub::NodeKey&);
    auto node_handler = [this](Apply apply) {
        return [this, apply](TriggerContext& context, const TriggerResume&) {
            auto& event = static_cast<pubsub::NodeEvent&>(context);
            auto key = node_key(event.profile, event.service, event.node);
            on_event(key, [this, key, apply](Changes&) { apply(*this, key); });
            return TriggerDecision::Continue;
        };
    };
    Apply purge = [](CachePlugin& p, const pubsub::NodeKey& key) { apply_purged(p.store(), key); };
    Apply drop = [](CachePlugin& p, const pubsub::NodeKey& key) { apply_deleted(p.store(), key); };
    // A new configuration may change what the node keeps: fetch it again.
    Apply refresh = [](CachePlugin& p, const pubsub::NodeKey& key) { p.sync(key, false); };
    triggers_.push_back(triggers.add(pubsub::kEventPurge, node_handler(purge), kGetItemsPriority));
    triggers_.push_back(triggers.add(pubsub::kEventDelete, node_handler(drop), kGetItemsPriority));
    triggers_.push_back(
        triggers.add(pubsub::kEventConfiguration, node_handler(refresh), kGetItemsPriority));
}

}  // namespace roost::cache

ROOST_PLUGIN(roost::cache::CachePlugin, roost::pubsub::kCachePluginName, "0.1.0", ("xep_0060"), ());

// NodeSync: the steps of a sync, each answer checked against a sync that may have
// been dropped meanwhile.
#include "plugins/pubsub_cache/NodeSync.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <span>

namespace roost::cache {
namespace {

// One transaction per batch: large enough to be quick, small enough to report progress.
constexpr std::size_t kBatchSize = 100;

}  // namespace

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

NodeSync::NodeSync(SyncServices services, pubsub::NodeKey key,
                   std::optional<pubsub::Analyser> analyser, bool explicit_sync)
    : services_(services),
      key_(std::move(key)),
      analyser_(std::move(analyser)),
      explicit_sync_(explicit_sync) {}

void NodeSync::start(SyncDone done) {
    done_ = std::move(done);
    auto& store = services_.host.pubsub_store();
    if (analyser_) store.set_node(key_, analyser_->name, analyser_->type, analyser_->subtype);
    store.set_sync_state(key_, pubsub::SyncState::InProgress);
    std::weak_ptr<NodeSync> weak = weak_from_this();
    // Subscribed first, so that no event between the fetch and the subscription is lost.
    services_.api.subscribe(
        key_.profile, key_.service, key_.node, [weak](std::optional<XmppError> error) {
            auto self = weak.lock();
            if (!self) return;
            if (error)
                self->services_.host.log().warn(
                    "cache: {}; the node is cached but not kept current", error->message());
            self->subscribed_ = !error;
            self->fetch();
        });
}

void NodeSync::fetch() {
    pubsub::GetItemsRequest request;
    request.profile = key_.profile;
    request.service = key_.service;
    request.node = key_.node;
    request.no_cache = true;
    std::weak_ptr<NodeSync> weak = weak_from_this();
    // No ids, max_items nor rsm: every item of the node, paged where the server pages.
    services_.api.get_items_from_server(request, [weak](pubsub::GetItemsAnswer answer) {
        auto self = weak.lock();
        if (!self) return;
        if (!answer.ok()) {
            // A node the server no longer knows was deleted: so is its cache.
            if (answer.error->kind == XmppError::Kind::Remote &&
                answer.error->condition == "item-not-found") {
                self->services_.host.pubsub_store().drop_node(self->key_);
                self->finish({std::nullopt, answer.error->message(), 0});
                return;
            }
            self->finish({pubsub::SyncState::Error, answer.error->message(), 0});
            return;
        }
        self->store(answer.page);
    });
}

void NodeSync::store(const pubsub::ItemsPage& page) {
    auto& store = services_.host.pubsub_store();
    if (!analyser_ && !page.items.empty())
        analyser_ = services_.analysers.match(key_.service, key_.node,
                                              payload_namespace(page.items.front().xml));
    if (!explicit_sync_ && (!analyser_ || !analyser_->to_sync)) {
        store.drop_node(key_);
        finish({std::nullopt, "no analyser keeps this node in sync", 0});
        return;
    }
    if (analyser_)
        store.set_node(key_, analyser_->name, analyser_->type, analyser_->subtype);
    else
        store.set_node(key_, "", "", "");

    // Servers list items oldest first (Prosody and ejabberd alike).
    std::vector<const pubsub::Item*> newest;
    for (const auto& item : page.items) newest.push_back(&item);
    std::reverse(newest.begin(), newest.end());
    bool capped = services_.max_items_per_node > 0 &&
                  newest.size() > static_cast<std::size_t>(services_.max_items_per_node);
    if (capped) newest.resize(static_cast<std::size_t>(services_.max_items_per_node));

    // Creation times one millisecond apart keep the server's order in the cache; an
    // item stored before keeps its own.
    std::int64_t base = now_ms();
    std::vector<pubsub::StoredItem> batch;
    std::set<std::string> kept;
    int stored = 0;
    const pubsub::Analyser* analyser = analyser_ ? &*analyser_ : nullptr;
    for (std::size_t n = newest.size(); n-- > 0;) {
        const pubsub::Item& item = *newest[n];
        kept.insert(item.id);
        batch.push_back(stored_item(item, analyser, base - static_cast<std::int64_t>(n)));
        if (batch.size() < kBatchSize && n != 0) continue;
        store.upsert_items(key_, batch);
        stored += static_cast<int>(batch.size());
        batch.clear();
        notify_progress(stored, static_cast<int>(newest.size()));
    }
    // Items the server no longer has (retracted while we were away).
    std::vector<std::string> gone;
    for (const auto& id : store.item_ids(key_))
        if (!kept.contains(id)) gone.push_back(id);
    if (!gone.empty()) store.delete_items(key_, gone);

    store.set_subscribed(key_, subscribed_);
    if (capped)
        finish({pubsub::SyncState::Partial,
                "capped at max_items_per_node = " + std::to_string(services_.max_items_per_node),
                stored});
    else
        finish({pubsub::SyncState::Completed, "", stored});
}

void NodeSync::finish(SyncOutcome outcome) {
    auto& store = services_.host.pubsub_store();
    if (outcome.state) store.set_sync_state(key_, outcome.state, outcome.reason);
    services_.host.log().info("cache: sync of {} at {} ({}): {} ({} items){}", key_.node,
                              key_.service.empty() ? "own PEP" : key_.service, key_.profile,
                              outcome.state ? pubsub::to_string(*outcome.state) : "not cached",
                              outcome.items, outcome.reason.empty() ? "" : ": " + outcome.reason);
    if (done_) done_(outcome);  // may drop this sync: keep it alive through the call
}

void NodeSync::notify_progress(int fetched, int total) {
    services_.host.ipc().notify(kProgressTopic, {{"profile", key_.profile},
                                                 {"service", key_.service},
                                                 {"node", key_.node},
                                                 {"fetched", fetched},
                                                 {"total", total}});
}

}  // namespace roost::cache

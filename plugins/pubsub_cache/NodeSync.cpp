// SPDX-License-Identifier: MIT
// NodeSync: RSM pages from the newest backwards, each page's successor asked for
// before the page is stored (on the next reactor turn), so that storing overlaps the
// round trip; a server that does not page answers the first request whole.
#include "NodeSync.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <limits>
#include <string_view>
#include <unordered_set>

namespace roost::cache {
namespace {

// Conditions that asking again will not change (RFC 6120 §8.3.3, XEP-0060 §6.5.9): a
// node the server refuses or does not have is not kept, and not retried.
bool is_permanent(const XmppError& error) {
    static constexpr std::string_view kPermanent[] = {"forbidden",
                                                      "not-allowed",
                                                      "not-authorized",
                                                      "jid-malformed",
                                                      "item-not-found",
                                                      "remote-server-not-found",
                                                      "feature-not-implemented"};
    return error.kind == XmppError::Kind::Remote &&
           std::find(std::begin(kPermanent), std::end(kPermanent), error.condition) !=
               std::end(kPermanent);
}

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
      explicit_sync_(explicit_sync),
      size_limit_(services.max_item_bytes) {}

void NodeSync::start(SyncDone done, bool fetch) {
    done_ = std::move(done);
    fetch_ = fetch;
    started_ms_ = now_ms();
    auto& store = services_.host.pubsub_store();
    auto before = store.node_state(key_);
    change_.node = key_;
    change_.new_node = !before || !pubsub::held_by_sync(before->sync_state);
    if (analyser_) store.set_node(key_, analyser_->name, analyser_->type, analyser_->subtype);
    store.set_sync_state(key_, pubsub::SyncState::InProgress);
    std::weak_ptr<NodeSync> weak = weak_from_this();
    // Subscribed first, so that no event between the fetch and the subscription is lost.
    services_.api.subscribe(
        key_.profile, key_.service, key_.node, [weak](std::optional<XmppError> error) {
            auto self = weak.lock();
            if (!self) return;
            if (error) self->subscribe_error_ = error->message();
            self->subscribed_ = !error;
            self->subscription_answered_ = true;
            if (self->early_answer_) {
                self->receive(std::move(*self->early_answer_), false);
                return;
            }
            // The last page first: "<before/>" means the same to every server that
            // pages, and a node's newest items are the ones a cap keeps. No RSM
            // support is announced by ejabberd 23.01, which pages all the same, so
            // every server is asked this way.
            if (self->fetch_) self->request(std::string());
        });
}

void NodeSync::take_answer(const pubsub::GetItemsAnswer& answer) {
    if (finished_ || fetch_) return;
    // A whole-node read is every item of the node, as one unpaged request would be.
    if (subscription_answered_)
        receive(answer, false);
    else
        early_answer_ = answer;
}

void NodeSync::request(std::optional<std::string> before) {
    pubsub::GetItemsRequest request;
    request.profile = key_.profile;
    request.service = key_.service;
    request.node = key_.node;
    request.no_cache = true;
    bool paged = before.has_value();
    if (paged) {
        asked_max_ = std::min(kSyncPageSize, room());
        pubsub::RsmRequest rsm;
        rsm.max = asked_max_;
        rsm.before = std::move(before);
        request.rsm = std::move(rsm);
    }
    // Without rsm, ids or max_items: every item of the node, with no limit.
    ++requests_;
    std::weak_ptr<NodeSync> weak = weak_from_this();
    services_.api.get_items_from_server(request, [weak, paged](pubsub::GetItemsAnswer answer) {
        if (auto self = weak.lock(); self && !self->finished_)
            self->receive(std::move(answer), paged);
    });
}

void NodeSync::receive(pubsub::GetItemsAnswer answer, bool paged) {
    if (!answer.ok()) {
        fail(*answer.error, paged);
        return;
    }
    pubsub::ItemsPage& page = answer.page;
    if (++pages_ == 1) {
        if (!wanted(page)) return;
        // The first page where the last was asked for: this server's paging cannot
        // be followed backwards; its whole answer can.
        if (paged && page.rsm && page.rsm->first_index == 0 && page.rsm->count &&
            *page.rsm->count > static_cast<int>(page.items.size())) {
            pages_ = 0;
            request(std::nullopt);
            return;
        }
    }
    received_ += static_cast<int>(page.items.size());
    if (page.rsm && page.rsm->count) count_ = page.rsm->count;
    bool more = paged && older_items_remain(page);
    last_first_ = page.rsm ? page.rsm->first : std::nullopt;
    PageToStore batch = take(page);
    if (more && room() == 0) {
        capped_ = true;
        more = false;
    }
    int cap = services_.max_items_per_node;
    if (count_)
        total_ = cap > 0 ? std::min(*count_, cap) : *count_;
    else if (!more)
        total_ = held_;
    services_.host.log().debug("cache: page {} of {}: {} items kept ({} in all)", pages_, key_.node,
                               batch.items.size(), held_);
    if (more) request(*page.rsm->first);
    // A server that does not page sends the whole node at once: it is stored a page's
    // worth per transaction and reactor turn all the same.
    auto parts = split(std::move(batch));
    for (std::size_t n = 0; n < parts.size(); ++n)
        store_later(std::move(parts[n]), !more && n + 1 == parts.size());
}

std::vector<NodeSync::PageToStore> NodeSync::split(PageToStore all) {
    std::vector<PageToStore> parts(1);
    for (std::size_t n = 0; n < all.items.size(); ++n) {
        if (parts.back().items.size() == static_cast<std::size_t>(kSyncPageSize))
            parts.emplace_back();
        parts.back().items.push_back(std::move(all.items[n]));
        parts.back().created.push_back(all.created[n]);
    }
    return parts;
}

// On the next reactor turn: after the request for the next page has left.
void NodeSync::store_later(PageToStore page, bool last) {
    std::weak_ptr<NodeSync> weak = weak_from_this();
    services_.host.add_timer(std::chrono::milliseconds(0), [weak, page = std::move(page), last] {
        auto self = weak.lock();
        if (!self || self->finished_) return;
        self->store(page);
        if (last) self->complete();
    });
}

void NodeSync::fail(const XmppError& error, bool paged) {
    if (paged && pages_ == 0 && pubsub::refuses_rsm(error)) {
        request(std::nullopt);
        return;
    }
    // A node the server no longer knows was deleted, one it refuses cannot be read:
    // either way its cache goes. A later read or explicit sync asks again.
    if (is_permanent(error)) {
        services_.host.pubsub_store().drop_node(key_);
        finish({std::nullopt, error.message(), 0});
        return;
    }
    finish({pubsub::SyncState::Error, error.message(), stored_});
}

bool NodeSync::wanted(const pubsub::ItemsPage& first_page) {
    auto& store = services_.host.pubsub_store();
    if (!analyser_ && !first_page.items.empty())
        analyser_ = services_.analysers.match(key_.service, key_.node,
                                              payload_namespace(first_page.items.front().xml));
    if (!explicit_sync_ && (!analyser_ || !analyser_->to_sync)) {
        store.drop_node(key_);
        finish({std::nullopt, "no analyser keeps this node in sync", 0});
        return false;
    }
    if (analyser_)
        store.set_node(key_, analyser_->name, analyser_->type, analyser_->subtype);
    else
        store.set_node(key_, "", "", "");
    return true;
}

NodeSync::PageToStore NodeSync::take(pubsub::ItemsPage& page) {
    auto& items = page.items;
    auto keep = std::min(items.size(), static_cast<std::size_t>(room()));
    if (keep < items.size()) capped_ = true;
    // Servers list items oldest first, and each page is older than the ones before:
    // new items get creation times one millisecond apart, counted back from the start
    // of the sync (an item stored before keeps its own). Their order is not taken from
    // those times but from order_, which complete() gives the node.
    std::int64_t newest = started_ms_ - 1 - held_;
    PageToStore out;
    std::vector<std::string> ids;
    for (auto it = items.end() - static_cast<std::ptrdiff_t>(keep); it != items.end(); ++it) {
        if (!size_limit_.fits(*it)) {  // not held: complete() deletes an older copy
            size_limit_.left_out(*it);
            continue;
        }
        out.created.push_back(newest - (items.end() - 1 - it));
        ids.push_back(it->id);
        out.items.push_back(std::move(*it));
    }
    order_.insert(order_.begin(), ids.begin(), ids.end());
    held_ += static_cast<int>(keep);
    return out;
}

bool NodeSync::older_items_remain(const pubsub::ItemsPage& page) const {
    if (!page.rsm || !page.rsm->first || page.items.empty()) return false;
    if (static_cast<int>(page.items.size()) < asked_max_) return false;  // the oldest page
    if (page.rsm->first == last_first_) return false;  // a server going round in circles
    // The index says how many items are older, whatever was retracted meanwhile; the
    // count, which retractions of items already held make smaller, is the fallback.
    if (page.rsm->first_index) return *page.rsm->first_index > 0;
    return !count_ || received_ < *count_;
}

void NodeSync::store(const PageToStore& page) {
    const pubsub::Analyser* analyser = analyser_ ? &*analyser_ : nullptr;
    std::vector<pubsub::StoredItem> batch;
    batch.reserve(page.items.size());
    for (std::size_t n = 0; n < page.items.size(); ++n)
        batch.push_back(stored_item(page.items[n], analyser, page.created[n]));
    if (!batch.empty()) {
        auto result = services_.host.pubsub_store().upsert_items(key_, batch);  // one transaction
        if (!change_.new_node)
            change_.stored.insert(change_.stored.end(), result.changed.begin(),
                                  result.changed.end());
    }
    stored_ += static_cast<int>(batch.size());
    notify_progress();
}

void NodeSync::complete() {
    auto& store = services_.host.pubsub_store();
    // Items the server no longer has (retracted while we were away), or past the cap.
    std::unordered_set<std::string> kept(order_.begin(), order_.end());
    std::vector<std::string> gone;
    for (const auto& id : store.item_ids(key_))
        if (!kept.contains(id)) gone.push_back(id);
    if (!gone.empty()) store.delete_items(key_, gone);
    if (!change_.new_node) {
        std::sort(change_.stored.begin(), change_.stored.end());
        change_.stored.erase(std::unique(change_.stored.begin(), change_.stored.end()),
                             change_.stored.end());
        change_.retracted = std::move(gone);
    }
    // The whole node's order, as the server gave it: this repairs any order left by
    // earlier syncs (stopped by a kill, say) or by events (an edit made while offline).
    store.set_server_order(key_, order_);
    store.set_subscribed(key_, subscribed_);
    if (!subscribed_)
        services_.host.log().warn("cache: {} is cached but not kept current by events: {}",
                                  key_.node, subscribe_error_);
    if (!capped_ && !size_limit_.any_left_out()) {
        finish({pubsub::SyncState::Completed, "", stored_});
        return;
    }
    std::string reason;
    if (capped_) {
        reason = "max_items_per_node = " + std::to_string(services_.max_items_per_node) +
                 ": kept the newest " + std::to_string(held_) + " items";
        if (count_) reason += " of " + std::to_string(*count_);
    }
    if (size_limit_.any_left_out()) reason += (reason.empty() ? "" : "; ") + size_limit_.reason();
    finish({pubsub::SyncState::Partial, reason, stored_});
}

void NodeSync::finish(SyncOutcome outcome) {
    finished_ = true;
    auto& store = services_.host.pubsub_store();
    if (outcome.state) store.set_sync_state(key_, outcome.state, outcome.reason);
    services_.host.log().info(
        "cache: sync of {} at {} ({}): {} ({} items, {} requests){}", key_.node,
        key_.service.empty() ? "own PEP" : key_.service, key_.profile,
        outcome.state ? pubsub::to_string(*outcome.state) : "not cached", outcome.items, requests_,
        outcome.reason.empty() ? "" : ": " + outcome.reason);
    if (done_) done_(outcome);  // may drop this sync: keep it alive through the call
}

void NodeSync::notify_progress() {
    services_.host.ipc().notify(kProgressTopic,
                                {{"profile", key_.profile},
                                 {"service", key_.service},
                                 {"node", key_.node},
                                 {"fetched", stored_},
                                 {"total", total_ ? nlohmann::json(*total_) : nlohmann::json()}});
}

int NodeSync::room() const {
    if (services_.max_items_per_node <= 0) return std::numeric_limits<int>::max();
    return std::max(services_.max_items_per_node - held_, 0);
}

}  // namespace roost::cache

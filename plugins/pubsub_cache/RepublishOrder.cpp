// SPDX-License-Identifier: MIT
// RepublishOrder: the store's order moved, or not, as the server's evidence says.
#include "RepublishOrder.hpp"

#include "NodeExtra.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace roost::cache {
namespace {

// The newest item: RSM's last page of one where the server pages (ejabberd), XEP-0060's
// max_items where it does not (Prosody 0.12, which answers the newest item then).
pubsub::GetItemsRequest newest_request(const pubsub::NodeKey& key, bool server_pages) {
    pubsub::GetItemsRequest request;
    request.profile = key.profile;
    request.service = key.service;
    request.node = key.node;
    request.no_cache = true;
    if (!server_pages) {
        request.max_items = 1;
        return request;
    }
    request.rsm = pubsub::RsmRequest{};
    request.rsm->max = 1;
    request.rsm->before = "";
    return request;
}

}  // namespace

std::string RepublishOrder::last_id(const pubsub::NodeKey& key) {
    pubsub::ItemsQuery newest;
    newest.rsm = pubsub::RsmRequest{};
    newest.rsm->max = 1;
    auto page = host_.pubsub_store().get_items(key, newest).page;
    return page.items.empty() ? std::string() : page.items.front().id;
}

std::vector<std::string> RepublishOrder::held_before_last(const pubsub::NodeKey& key,
                                                          const std::vector<pubsub::Item>& items) {
    pubsub::ItemsQuery query;
    for (const auto& item : items) query.ids.push_back(item.id);
    auto held = host_.pubsub_store().get_items(key, query).page.items;
    std::string last = last_id(key);
    std::vector<std::string> movable;
    for (const auto& item : items) {
        bool is_held = std::any_of(held.begin(), held.end(),
                                   [&](const pubsub::Item& h) { return h.id == item.id; });
        if (is_held && item.id != last) movable.push_back(item.id);
    }
    return movable;
}

void RepublishOrder::place(const pubsub::NodeKey& key, std::vector<std::string> republished) {
    if (republished.empty()) return;
    auto node = host_.pubsub_store().node_state(key);
    if (!node) return;
    if (auto to_end = recalled_flag(*node, kRepublishedToEnd)) {
        if (*to_end) host_.pubsub_store().move_to_end(key, republished);
        return;
    }
    // What the server's newest is when it keeps the items in place, as of now: a
    // publication that comes later is no evidence either way.
    ask({key, std::move(republished), last_id(key)});
}

void RepublishOrder::ask(Evidence evidence) {
    std::string profile = evidence.key.profile;
    std::string service = evidence.key.service;
    api_.supports_rsm(profile, service, [this, alive = alive_, evidence](bool pages) {
        if (!*alive) return;
        api_.get_items_from_server(newest_request(evidence.key, pages),
                                   [this, alive, evidence](pubsub::GetItemsAnswer answer) {
                                       if (*alive) learn(evidence, answer);
                                   });
    });
}

void RepublishOrder::learn(const Evidence& evidence, const pubsub::GetItemsAnswer& answer) {
    const auto& key = evidence.key;
    if (!answer.ok() || answer.page.items.empty()) {
        host_.log().debug("cache: no newest item of {} to learn its order from", key.node);
        return;
    }
    const std::string& newest = answer.page.items.back().id;
    auto& store = host_.pubsub_store();
    if (newest == evidence.republished.back()) {
        host_.log().info("cache: the server of {} puts republished items at the end", key.node);
        remember(store, key, kRepublishedToEnd, true);
        store.move_to_end(key, evidence.republished);
    } else if (newest == evidence.held_last) {
        host_.log().info("cache: the server of {} keeps republished items in place", key.node);
        remember(store, key, kRepublishedToEnd, false);
    } else {
        host_.log().debug("cache: the newest item of {} ({}) says nothing on republications",
                          key.node, newest);
    }
}

}  // namespace roost::cache

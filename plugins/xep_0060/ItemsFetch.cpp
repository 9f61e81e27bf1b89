// SPDX-License-Identifier: MIT
// ItemsFetch: single requests and RSM paging of pubsub items.
#include "ItemsFetch.hpp"

#include "Requests.hpp"
#include "Responses.hpp"

#include <algorithm>

namespace roost::xep0060 {

void ItemsFetch::start(XmppClient& client, RsmSupport& rsm_support, pubsub::GetItemsRequest request,
                       pubsub::GetItemsCallback done) {
    auto fetch =
        std::make_shared<ItemsFetch>(client, rsm_support, std::move(request), std::move(done));
    const auto& r = fetch->request_;
    if (!r.item_ids.empty() || r.max_items) {
        fetch->send(std::nullopt);
        return;
    }
    if (!r.rsm) {
        fetch->fetch_everything();
        return;
    }
    std::string service = r.service;
    rsm_support.query(client, service, [fetch](bool supported) { fetch->begin(supported); });
}

ItemsFetch::ItemsFetch(XmppClient& client, RsmSupport& rsm_support, pubsub::GetItemsRequest request,
                       pubsub::GetItemsCallback done)
    : client_(client),
      rsm_support_(rsm_support),
      request_(std::move(request)),
      done_(std::move(done)) {}

void ItemsFetch::fetch_everything() {
    // The last page first, whatever disco#info says: ejabberd 23.01 pages without
    // announcing RSM, a server that does not page answers everything at once, and the
    // answer's <set/> (or its absence) teaches RsmSupport which kind the service is.
    everything_ = true;
    backwards_ = !rsm_support_.refuses(client_.profile(), request_.service);
    send(backwards_ ? std::optional(last_page(kFullPageSize)) : std::nullopt);
}

void ItemsFetch::begin(bool supports_rsm) {
    const auto& rsm = *request_.rsm;
    bool only_max = !rsm.after && !rsm.before && !rsm.index;
    // Without RSM a bare page size is the nearest XEP-0060 asks for: the newest max items.
    if (!supports_rsm && only_max && rsm.max) {
        request_.max_items = rsm.max;
        send(std::nullopt);
        return;
    }
    send(rsm);
}

void ItemsFetch::send(const std::optional<pubsub::RsmRequest>& rsm) {
    if (!client_.connected()) {
        finish(local_error(XmppError::Kind::Disconnected, description(), "not connected"));
        return;
    }
    client_.send_iq("get", request_.service, items_request(request_, rsm), description(),
                    [self = shared_from_this(), paged = rsm.has_value()](IqAnswer answer) {
                        self->receive(std::move(answer), paged);
                    });
}

void ItemsFetch::receive(IqAnswer answer, bool paged) {
    if (!answer.ok()) {
        if (paged && pubsub::refuses_rsm(*answer.error))
            rsm_support_.refuse(client_.profile(), request_.service);
        if (everything_ && backwards_ && pages_.empty() && pubsub::refuses_rsm(*answer.error)) {
            backwards_ = false;
            send(std::nullopt);
            return;
        }
        finish(answer.error);
        return;
    }
    pubsub::ItemsPage page;
    try {
        page = parse_items(answer.iq());
    } catch (const MalformedAnswer& e) {
        finish(local_error(XmppError::Kind::Malformed, description(), e.what()));
        return;
    }
    if (page.rsm) rsm_support_.learn(client_.profile(), request_.service);
    // An unasked-for <set/>: the server cut the answer short; the rest is before the
    // page it sent when that does not start at 0, after it otherwise.
    if (pages_.empty() && !backwards_ && page.rsm)
        backwards_ = page.rsm->first_index.value_or(0) > 0;
    // A server that answers "<before/>" with its first page: its pages go forwards.
    if (pages_.empty() && backwards_ && page.rsm && page.rsm->first_index == 0 && page.rsm->count &&
        *page.rsm->count > static_cast<int>(page.items.size()))
        backwards_ = false;
    auto next = everything_ ? next_page(page) : std::nullopt;
    total_ += page.items.size();
    pages_.push_back(std::move(page));
    if (next)
        send(next);
    else
        finish(std::nullopt);
}

std::optional<pubsub::RsmRequest> ItemsFetch::next_page(const pubsub::ItemsPage& page) const {
    if (!page.rsm || !page.rsm->first || !page.rsm->last || page.items.empty()) return std::nullopt;
    std::size_t total = total_ + page.items.size();
    if (page.rsm->count && total >= static_cast<std::size_t>(*page.rsm->count)) return std::nullopt;
    if (!pages_.empty()) {  // a server going round in circles
        const auto& previous = pages_.back().rsm;
        if (previous && previous->first == page.rsm->first) return std::nullopt;
    }
    if (!backwards_) return page_after(kFullPageSize, page.rsm->last);
    if (page.rsm->first_index == 0) return std::nullopt;
    auto rsm = last_page(kFullPageSize);
    rsm.before = page.rsm->first;
    return rsm;
}

pubsub::ItemsPage ItemsFetch::joined() {
    if (pages_.size() == 1) return std::move(pages_.front());
    if (backwards_) std::reverse(pages_.begin(), pages_.end());
    pubsub::ItemsPage all;
    all.items.reserve(total_);
    for (auto& page : pages_)
        for (auto& item : page.items) all.items.push_back(std::move(item));
    const auto& front = pages_.front().rsm;
    const auto& back = pages_.back().rsm;
    if (front && back) {
        all.rsm = pubsub::RsmResult{front->first, front->first_index, back->last, back->count};
        if (!back->count) all.rsm->count = front->count;
        // All of it: from index 0, whatever a short last page said (ejabberd: -400).
        if (all.rsm->count && total_ >= static_cast<std::size_t>(*all.rsm->count))
            all.rsm->first_index = 0;
    }
    return all;
}

void ItemsFetch::finish(std::optional<XmppError> error) {
    auto done = std::move(done_);
    done_ = nullptr;
    if (!done) return;
    if (error)
        done({{}, std::move(error)});
    else
        done({joined(), std::nullopt});
}

std::string ItemsFetch::description() const {
    return "get items of " + request_.node + " at " +
           (request_.service.empty() ? client_.bare_jid() : request_.service);
}

}  // namespace roost::xep0060

// SPDX-License-Identifier: MIT
// ItemsFetch: one get-items workflow against a server: a single request, or, to get
// everything, RSM pages from the last backwards (one answer where the server ignores
// RSM, one unlimited request where it refuses it), following any <set/> it sends.
#pragma once

#include "RsmSupport.hpp"
#include "roost/Pubsub.hpp"
#include "roost/Xmpp.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace roost::xep0060 {

inline constexpr int kFullPageSize = pubsub::kWholeNodePageSize;

// Everything is fetched from the last page backwards (before = the first id seen): a
// bare RSM request gets the last page from some servers (ejabberd) and the first from
// others, but "<before/>" means the last page everywhere.

// Reactor thread only. Keeps itself alive until it has called `done`.
class ItemsFetch : public std::enable_shared_from_this<ItemsFetch> {
public:
    // Without ids, max_items or rsm the request means "every item of the node".
    static void start(XmppClient& client, RsmSupport& rsm_support, pubsub::GetItemsRequest request,
                      pubsub::GetItemsCallback done);

    ItemsFetch(XmppClient& client, RsmSupport& rsm_support, pubsub::GetItemsRequest request,
               pubsub::GetItemsCallback done);

private:
    void fetch_everything();
    void begin(bool supports_rsm);  // a request with RSM
    void send(const std::optional<pubsub::RsmRequest>& rsm);
    void receive(IqAnswer answer, bool paged);  // `paged`: the request had a <set/>
    // The next page to ask for when getting everything, if any.
    std::optional<pubsub::RsmRequest> next_page(const pubsub::ItemsPage& page) const;
    void finish(std::optional<XmppError> error);
    // The pages in the server's order, as one.
    pubsub::ItemsPage joined();
    std::string description() const;

    XmppClient& client_;
    RsmSupport& rsm_support_;
    pubsub::GetItemsRequest request_;
    pubsub::GetItemsCallback done_;
    bool everything_ = false;
    bool backwards_ = false;  // pages come before what we have
    std::vector<pubsub::ItemsPage> pages_;
    std::size_t total_ = 0;
};

}  // namespace roost::xep0060

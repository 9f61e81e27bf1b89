// SPDX-License-Identifier: MIT
// RepublishOrder: where a node's server puts an item published again under an id it
// holds (Prosody: at the end; ejabberd: where it was), learnt per node from the
// server's own answer, and the cache's order kept the same way.
#pragma once

#include "roost/Host.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubStore.hpp"

#include <memory>
#include <string>
#include <vector>

namespace roost::cache {

// In a node's extra: true when its server moves a republished item to the end, false
// when it keeps it in place; absent until a republication showed it.
inline constexpr const char* kRepublishedToEnd = "republished_to_end";

// Reactor thread only. Answers that arrive once `alive` is false do nothing.
class RepublishOrder {
public:
    RepublishOrder(Host& host, pubsub::PubsubApi& api, std::shared_ptr<bool> alive)
        : host_(host), api_(api), alive_(std::move(alive)) {}

    // The ids of `items` the node holds anywhere but last: the items whose place a
    // republication may change. Called before they are stored.
    std::vector<std::string> held_before_last(const pubsub::NodeKey& key,
                                              const std::vector<pubsub::Item>& items);
    // Called once they are stored (a new item went last, a stored one kept its place):
    // moves `republished` to the end if the node's server does so. The first time,
    // the server's newest item tells: the republished one (to the end), or the one the
    // cache now holds last (in place); anything else (another publication came between)
    // tells nothing, and the next republication asks again.
    void place(const pubsub::NodeKey& key, std::vector<std::string> republished);

private:
    // What a republication showed, to judge the server's newest item by.
    struct Evidence {
        pubsub::NodeKey key;
        std::vector<std::string> republished;
        std::string held_last;  // the cache's last item once they were stored
    };

    // Asks the server for its newest item, then learns from it.
    void ask(Evidence evidence);
    void learn(const Evidence& evidence, const pubsub::GetItemsAnswer& answer);
    std::string last_id(const pubsub::NodeKey& key);

    Host& host_;
    pubsub::PubsubApi& api_;
    std::shared_ptr<bool> alive_;
};

}  // namespace roost::cache

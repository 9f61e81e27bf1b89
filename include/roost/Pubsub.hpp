// SPDX-License-Identifier: MIT
// XEP-0060 as plugins see it: the requests and answers of the xep_0060 plugin,
// its trigger points, and the PubsubApi other plugins call it through.
#pragma once

#include "roost/Triggers.hpp"
#include "roost/Xmpp.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace roost::pubsub {

// Trigger points (TriggerContext types below).
inline constexpr const char* kGetItems = "pubsub.get_items";                      // GetItemsContext
inline constexpr const char* kEventItems = "pubsub.event.items";                  // ItemsEvent
inline constexpr const char* kEventRetract = "pubsub.event.retract";              // ItemsEvent
inline constexpr const char* kEventPurge = "pubsub.event.purge";                  // NodeEvent
inline constexpr const char* kEventDelete = "pubsub.event.delete";                // NodeEvent
inline constexpr const char* kEventConfiguration = "pubsub.event.configuration";  // NodeEvent

inline constexpr const char* kPluginName = "xep_0060";

// Items asked for per RSM page when fetching a whole node: ejabberd 23.01 serves any
// size (1000 when none is asked), but reads and sorts the whole node for every page,
// so that a page costs about as much as the whole node: measured on 5,000 items,
// pages of 250 took 14.6 s, one unpaged request 3 s. Pages of ejabberd's own default
// keep that to a few pages.
inline constexpr int kWholeNodePageSize = 1000;

// A server that rejects a <set/> in get-items, where Prosody 0.12 ignores it: it is
// asked again without one.
inline bool refuses_rsm(const XmppError& error) {
    return error.kind == XmppError::Kind::Remote &&
           (error.condition == "feature-not-implemented" || error.condition == "bad-request");
}

// XEP-0059 result set management, as asked.
struct RsmRequest {
    std::optional<int> max;
    std::optional<std::string> after;
    std::optional<std::string> before;  // "" asks for the last page
    std::optional<int> index;
};

// XEP-0059 <set/> of an answer.
struct RsmResult {
    std::optional<std::string> first;
    std::optional<int> first_index;
    std::optional<std::string> last;
    std::optional<int> count;
};

struct Item {
    std::string id;
    std::string xml;        // the whole <item/> element as received
    std::string publisher;  // "" when the server did not say
};

struct GetItemsRequest {
    std::string profile;
    std::string service;  // "" for the account's own PEP service
    std::string node;
    std::vector<std::string> item_ids;  // when set, only these
    std::optional<int> max_items;       // XEP-0060 max_items
    std::optional<RsmRequest> rsm;
    bool no_cache = false;  // ask the server even if a cache could answer
    std::string order_by;   // "" (server order), "creation" or "modification"
};

struct ItemsPage {
    std::vector<Item> items;
    std::optional<RsmResult> rsm;
    bool from_cache = false;
};

struct GetItemsAnswer {
    ItemsPage page;
    std::optional<XmppError> error;
    bool ok() const { return !error; }
};

using GetItemsCallback = std::function<void(GetItemsAnswer)>;
using DoneCallback = std::function<void(std::optional<XmppError>)>;

// pubsub.get_items: a handler may change the request, or take over and answer
// through `reply` (now or later) instead of the server. The context ends with the
// dispatch: a handler that takes over and answers later keeps a copy of `reply`.
class GetItemsContext : public TriggerContext {
public:
    GetItemsRequest request;
    GetItemsCallback reply;
};

// pubsub.event.items / pubsub.event.retract: one incoming pubsub#event.
class ItemsEvent : public TriggerContext {
public:
    std::string profile;
    std::string service;  // the event's 'from'
    std::string node;
    std::vector<Item> items;             // published (kEventItems)
    std::vector<std::string> retracted;  // item ids (kEventRetract)
};

// pubsub.event.purge / delete / configuration.
class NodeEvent : public TriggerContext {
public:
    std::string profile;
    std::string service;
    std::string node;
    std::string configuration_xml;  // the <configuration/> element, when given
};

// What the xep_0060 plugin offers: host.plugin_as<PubsubApi>(kPluginName).
// Reactor thread only; every callback is called exactly once.
class PubsubApi {
public:
    virtual ~PubsubApi() = default;
    // Through the pubsub.get_items trigger point (a cache may answer), unless
    // `request.no_cache`.
    virtual void get_items(GetItemsRequest request, GetItemsCallback done) = 0;
    // Straight to the server, never through triggers: what a cache syncs with. Without
    // item ids, max_items or rsm it gets every item of the node: RSM pages of
    // kWholeNodePageSize from the last backwards where the service pages, one unlimited
    // request where it does not (Prosody 0.12), following any <set/> the server sends unasked; the answer is
    // all items in the server's order, with the rsm count when the server gave one.
    virtual void get_items_from_server(GetItemsRequest request, GetItemsCallback done) = 0;
    virtual void subscribe(const std::string& profile, const std::string& service,
                           const std::string& node, DoneCallback done) = 0;
    virtual void unsubscribe(const std::string& profile, const std::string& service,
                             const std::string& node, DoneCallback done) = 0;
    // Whether the service pages items with RSM (disco#info feature
    // "http://jabber.org/protocol/pubsub#rsm", or learnt from an answer).
    virtual void supports_rsm(const std::string& profile, const std::string& service,
                              std::function<void(bool)> done) = 0;
};

}  // namespace roost::pubsub

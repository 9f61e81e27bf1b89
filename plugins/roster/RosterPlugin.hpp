// SPDX-License-Identifier: MIT
// RosterPlugin: each profile's roster (RFC 6121) kept in the database: fetched at every
// new session (only what changed, where the server versions rosters: XEP-0237), pushes
// applied, presence subscription requests kept until answered. Other plugins read it
// through roster::RosterApi; frontends through roster.* methods (doc/roster.md).
#pragma once

#include "roost/Host.hpp"
#include "roost/Plugin.hpp"
#include "roost/Roster.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace roost::roster {

class RosterPlugin final : public Plugin, public RosterApi {
public:
    void start(Host& host) override;
    void stop() override;

    std::vector<RosterItem> items(const std::string& profile) override;
    std::optional<RosterItem> item(const std::string& profile, const std::string& jid) override;
    std::vector<SubscriptionRequest> requests(const std::string& profile) override;
    RosterHandlerId on_change(ChangeHandler handler) override;
    void remove_change_handler(RosterHandlerId id) override;

    Host& host() { return *host_; }
    // The profile's client when connected; nullptr otherwise.
    XmppClient* connected_client(const std::string& profile);

    // A roster set (RFC 6121 §2.3-2.5): adds or updates the item, or removes it. `done`
    // gets the server's refusal, or nothing once it accepted (the push that follows
    // updates the store).
    using Done = std::function<void(std::optional<XmppError>)>;
    void set_item(XmppClient& client, const RosterItem& item, Done done);
    void remove_item(XmppClient& client, const std::string& jid, Done done);
    // Sends <presence type=`type`/> to `jid` (subscribe, subscribed, unsubscribe,
    // unsubscribed); an answer to a waiting request (subscribed, unsubscribed) ends it.
    void send_subscription(XmppClient& client, const std::string& jid, const std::string& type,
                           const std::string& message = {});

private:
    void fetch(XmppClient& client);
    void apply_fetched(const std::string& profile, pugi::xml_node iq);
    void handle_push(XmppClient& client, pugi::xml_node iq);
    void handle_presence(XmppClient& client, pugi::xml_node presence);
    void end_request(const std::string& profile, const std::string& jid);
    void changed(const RosterChange& change);

    Host* host_ = nullptr;
    std::map<RosterHandlerId, ChangeHandler> handlers_;
    RosterHandlerId next_handler_ = 1;
    // Profiles whose roster this session fetched: a resumed session (XEP-0198) missed no
    // push, and fetches again only if its fetch had not got through.
    std::set<std::string> fetched_;
};

}  // namespace roost::roster

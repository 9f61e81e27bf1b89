// SPDX-License-Identifier: MIT
#include "RosterPlugin.hpp"

#include "RosterJson.hpp"
#include "RosterMethods.hpp"
#include "RosterXml.hpp"
#include "roost/Jid.hpp"
#include "roost/Xml.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>

namespace roost::roster {
namespace {

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

void RosterPlugin::start(Host& host) {
    host_ = &host;
    Xmpp& xmpp = host.xmpp();
    xmpp.on_connection([this](XmppClient& client, bool up) {
        if (!up) return;
        if (!client.resumed()) fetched_.erase(client.profile());
        if (!fetched_.contains(client.profile())) fetch(client);
    });
    xmpp.on_iq_request(kRosterNamespace,
                       [this](XmppClient& client, pugi::xml_node iq) { handle_push(client, iq); });
    xmpp.on_presence(
        [this](XmppClient& client, pugi::xml_node presence) { handle_presence(client, presence); });
    register_methods(*this);
    for (XmppClient* client : xmpp.clients())
        if (client->connected()) fetch(*client);
}

// The host removes the XMPP handlers and methods a plugin leaves; these go with it.
void RosterPlugin::stop() {
    unregister_methods(*this);
    handlers_.clear();
}

std::vector<RosterItem> RosterPlugin::items(const std::string& profile) {
    return host_->roster_store().items(profile);
}

std::optional<RosterItem> RosterPlugin::item(const std::string& profile, const std::string& jid) {
    return host_->roster_store().item(profile, jid);
}

std::vector<SubscriptionRequest> RosterPlugin::requests(const std::string& profile) {
    return host_->roster_store().requests(profile);
}

RosterHandlerId RosterPlugin::on_change(ChangeHandler handler) {
    handlers_[next_handler_] = std::move(handler);
    return next_handler_++;
}

void RosterPlugin::remove_change_handler(RosterHandlerId id) { handlers_.erase(id); }

XmppClient* RosterPlugin::connected_client(const std::string& profile) {
    XmppClient* client = host_->xmpp().client(profile);
    return client && client->connected() ? client : nullptr;
}

// RFC 6121 §2.6: with the version of what we hold, a server that versions rosters
// answers with nothing (then pushes what changed) or with the whole roster.
void RosterPlugin::fetch(XmppClient& client) {
    std::string profile = client.profile();
    auto version = host_->roster_store().version(profile);
    client.send_iq("get", "", roster_get_payload(version), "get the roster",
                   [this, profile](IqAnswer answer) {
                       if (!answer.ok()) {
                           host_->log().warn("profile {}: {}; the stored roster stays", profile,
                                             answer.error->message());
                           return;
                       }
                       fetched_.insert(profile);
                       apply_fetched(profile, answer.iq());
                   });
}

void RosterPlugin::apply_fetched(const std::string& profile, pugi::xml_node iq) {
    pugi::xml_node query = roster_query_of(iq);
    RosterStore& store = host_->roster_store();
    if (!query) {
        host_->log().info("profile {}: the roster is unchanged since version {}", profile,
                          store.version(profile).value_or("?"));
        return;
    }
    RosterQuery fetched = read_roster_query(query);
    for (const auto& skipped : fetched.skipped)
        host_->log().warn("profile {}: roster {} skipped", profile, skipped);
    std::map<std::string, RosterItem> before;
    for (auto& item : store.items(profile)) before.emplace(item.jid, std::move(item));
    store.replace(profile, fetched.items, fetched.version);
    host_->log().info("profile {}: roster of {} items{}", profile, fetched.items.size(),
                      fetched.version ? ", version " + *fetched.version : std::string());
    for (const auto& item : fetched.items) {
        auto old = before.find(item.jid);
        bool same = old != before.end() && old->second == item;
        if (old != before.end()) before.erase(old);
        if (!same) changed({profile, item.jid, RosterChange::Kind::Item, item, std::nullopt});
    }
    for (const auto& [jid, item] : before)
        changed({profile, jid, RosterChange::Kind::Item, std::nullopt, std::nullopt});
}

// RFC 6121 §2.1.6: a push comes from our own account (no from, or our bare JID) and
// holds exactly one item; anything else is refused and changes nothing.
void RosterPlugin::handle_push(XmppClient& client, pugi::xml_node iq) {
    std::string from = iq.attribute("from").value();
    if (std::strcmp(iq.attribute("type").value(), "set") != 0 ||
        (!from.empty() && from != client.bare_jid())) {
        client.refuse_iq(iq, "cancel", "service-unavailable");
        return;
    }
    RosterQuery push = read_roster_query(roster_query_of(iq));
    if (push.items.size() + push.removed.size() != 1) {
        host_->log().warn("profile {}: a roster push with {} usable items refused",
                          client.profile(), push.items.size() + push.removed.size());
        client.refuse_iq(iq, "modify", "bad-request");
        return;
    }
    RosterStore& store = host_->roster_store();
    const std::string& profile = client.profile();
    if (!push.items.empty()) {
        const RosterItem& item = push.items.front();
        store.set_item(profile, item, push.version);
        changed({profile, item.jid, RosterChange::Kind::Item, item, std::nullopt});
    } else {
        const std::string& jid = push.removed.front();
        store.remove_item(profile, jid, push.version);
        changed({profile, jid, RosterChange::Kind::Item, std::nullopt, std::nullopt});
    }
    client.answer_iq(iq);
}

// Requests are kept until answered (approve, deny) or withdrawn by the contact
// (unsubscribe). Servers deliver a waiting request again at every login: only a new
// one, or a new message, is a change.
void RosterPlugin::handle_presence(XmppClient& client, pugi::xml_node presence) {
    std::string type = presence.attribute("type").value();
    std::string from = bare_jid(presence.attribute("from").value());
    if (from.empty() || from == client.bare_jid()) return;
    const std::string& profile = client.profile();
    if (type == "unsubscribe") {
        end_request(profile, from);
        return;
    }
    if (type != "subscribe") return;
    RosterStore& store = host_->roster_store();
    SubscriptionRequest request{from, presence.child("status").text().get(), now_ms()};
    std::optional<SubscriptionRequest> before;
    for (auto& waiting : store.requests(profile))
        if (waiting.jid == from) before = std::move(waiting);
    if (before && before->message == request.message) return;
    store.add_request(profile, request);
    if (before) request.received_at = before->received_at;
    changed({profile, from, RosterChange::Kind::Request, std::nullopt, request});
}

void RosterPlugin::end_request(const std::string& profile, const std::string& jid) {
    if (host_->roster_store().remove_request(profile, jid))
        changed({profile, jid, RosterChange::Kind::Request, std::nullopt, std::nullopt});
}

void RosterPlugin::set_item(XmppClient& client, const RosterItem& item, Done done) {
    client.send_iq("set", "", roster_set_payload(item), "set " + item.jid + " in the roster",
                   [done = std::move(done)](IqAnswer answer) { done(answer.error); });
}

void RosterPlugin::remove_item(XmppClient& client, const std::string& jid, Done done) {
    client.send_iq("set", "", roster_remove_payload(jid), "remove " + jid + " from the roster",
                   [done = std::move(done)](IqAnswer answer) { done(answer.error); });
}

void RosterPlugin::send_subscription(XmppClient& client, const std::string& jid,
                                     const std::string& type, const std::string& message) {
    pugi::xml_document document;
    pugi::xml_node presence = document.append_child("presence");
    presence.append_attribute("to") = jid.c_str();
    presence.append_attribute("type") = type.c_str();
    if (!message.empty()) presence.append_child("status").text() = message.c_str();
    client.send(to_xml(presence));
    if (type == "subscribed" || type == "unsubscribed") end_request(client.profile(), jid);
}

void RosterPlugin::changed(const RosterChange& change) {
    host_->ipc().notify(kChangedTopic, to_json(change));
    auto handlers = handlers_;  // a handler may add or remove handlers
    for (auto& [id, handler] : handlers) {
        try {
            handler(change);
        } catch (const std::exception& e) {
            host_->log().error("a roster change handler failed: {}", e.what());
        }
    }
}

}  // namespace roost::roster

ROOST_PLUGIN(roost::roster::RosterPlugin, "roster", "0.1.0", (), ());

// SPDX-License-Identifier: MIT
// PubsubPlugin: XEP-0060 operations over the SDK's XmppClient, and events.
#include "PubsubPlugin.hpp"

#include "IpcMethods.hpp"
#include "ItemsFetch.hpp"

#include <memory>

namespace roost::xep0060 {
namespace {

std::string describe(const std::string& action, const Target& target, XmppClient* client) {
    std::string service = target.service;
    if (service.empty()) service = client ? client->bare_jid() : "own PEP service";
    return action + (target.node.empty() ? "" : " " + target.node) + " at " + service;
}

XmppError not_connected(const std::string& profile, const std::string& what) {
    return local_error(XmppError::Kind::Disconnected, what,
                       "profile " + profile + " is not connected");
}

// A Malformed error for an answer `read` could not make sense of.
template <class T, class Read>
void read_answer(IqAnswer answer, const std::string& what, const ResultCallback<T>& done,
                 Read read) {
    if (!answer.ok()) {
        done({}, answer.error);
        return;
    }
    try {
        done(read(answer.iq()), std::nullopt);
    } catch (const MalformedAnswer& e) {
        done({}, local_error(XmppError::Kind::Malformed, what, e.what()));
    }
}

}  // namespace

void PubsubPlugin::start(Host& host) {
    host_ = &host;
    message_handler_ = host.xmpp().on_message(
        [this](XmppClient& client, pugi::xml_node message) { handle_message(client, message); });
    connection_handler_ = host.xmpp().on_connection([this](XmppClient& client, bool connected) {
        if (!connected) rsm_support_.forget(client.profile());
    });
    register_ipc_methods(*this);
}

void PubsubPlugin::stop() {
    *alive_ = false;
    unregister_ipc_methods(*this);
    host_->xmpp().remove_handler(message_handler_);
    host_->xmpp().remove_handler(connection_handler_);
}

XmppClient* PubsubPlugin::client(const std::string& profile) {
    return host_->xmpp().client(profile);
}

void PubsubPlugin::get_items(pubsub::GetItemsRequest request, pubsub::GetItemsCallback done) {
    if (request.no_cache) {
        get_items_from_server(std::move(request), std::move(done));
        return;
    }
    // The reply outlives the context when a handler takes over and answers later.
    auto once = std::make_shared<pubsub::GetItemsCallback>(std::move(done));
    auto context = std::make_shared<pubsub::GetItemsContext>();
    context->request = std::move(request);
    context->reply = [once](pubsub::GetItemsAnswer answer) {
        auto callback = std::move(*once);
        *once = nullptr;
        if (callback) callback(std::move(answer));
    };
    host_->triggers().dispatch(pubsub::kGetItems, *context, [this, context] {
        get_items_from_server(context->request, context->reply);
    });
}

void PubsubPlugin::get_items_from_server(pubsub::GetItemsRequest request,
                                         pubsub::GetItemsCallback done) {
    XmppClient* c = client(request.profile);
    if (!c || !c->connected()) {
        Target target{request.profile, request.service, request.node};
        done({{}, not_connected(request.profile, describe("get items of", target, c))});
        return;
    }
    ItemsFetch::start(*c, rsm_support_, std::move(request), std::move(done));
}

void PubsubPlugin::supports_rsm(const std::string& profile, const std::string& service,
                                std::function<void(bool)> done) {
    XmppClient* c = client(profile);
    if (!c || !c->connected()) {
        done(false);
        return;
    }
    rsm_support_.query(*c, service, std::move(done));
}

void PubsubPlugin::subscribe(const std::string& profile, const std::string& service,
                             const std::string& node, pubsub::DoneCallback done) {
    subscribe_with_answer({profile, service, node},
                          [done = std::move(done)](Subscription, std::optional<XmppError> error) {
                              done(std::move(error));
                          });
}

void PubsubPlugin::subscribe_with_answer(const Target& target, ResultCallback<Subscription> done) {
    XmppClient* c = client(target.profile);
    std::string jid = c ? c->bare_jid() : "";
    std::string what = describe("subscribe to", target, c);
    send(target, "set", subscribe_request(target.node, jid), what,
         [what, done = std::move(done)](IqAnswer answer) {
             read_answer<Subscription>(std::move(answer), what, done, parse_subscription);
         });
}

void PubsubPlugin::unsubscribe(const std::string& profile, const std::string& service,
                               const std::string& node, pubsub::DoneCallback done) {
    Target target{profile, service, node};
    XmppClient* c = client(profile);
    send_done(target, "set", unsubscribe_request(node, c ? c->bare_jid() : ""),
              describe("unsubscribe from", target, c), std::move(done));
}

void PubsubPlugin::publish(const Target& target, const std::string& item_id,
                           const std::string& payload, const Fields& options,
                           ResultCallback<std::string> done) {
    std::string what = describe("publish to", target, client(target.profile));
    send(target, "set", publish_request(target.node, item_id, payload, options), what,
         [what, item_id, done = std::move(done)](IqAnswer answer) {
             read_answer<std::string>(std::move(answer), what, done, [&](pugi::xml_node iq) {
                 std::string id = published_item_id(iq);
                 return id.empty() ? item_id : id;
             });
         });
}

void PubsubPlugin::retract(const Target& target, const std::vector<std::string>& item_ids,
                           pubsub::DoneCallback done) {
    Event retracted{Event::Kind::Items, target.service, target.node, {}, item_ids, {}};
    send_done(target, "set", retract_request(target.node, item_ids),
              describe("retract from", target, client(target.profile)),
              announcing(target, std::move(retracted), std::move(done)));
}

void PubsubPlugin::publish_item(const pubsub::NodeKey& node, const std::string& item_id,
                                const std::string& payload, const pubsub::FormFields& options,
                                pubsub::PublishCallback done) {
    publish({node.profile, node.service, node.node}, item_id, payload, options, std::move(done));
}

void PubsubPlugin::retract_items(const pubsub::NodeKey& node,
                                 const std::vector<std::string>& item_ids,
                                 pubsub::DoneCallback done) {
    retract({node.profile, node.service, node.node}, item_ids, std::move(done));
}

void PubsubPlugin::create_node_with(const pubsub::NodeKey& node, const pubsub::FormFields& config,
                                    pubsub::DoneCallback done) {
    create_node({node.profile, node.service, node.node}, config, std::move(done));
}

void PubsubPlugin::remove_node(const pubsub::NodeKey& node, pubsub::DoneCallback done) {
    delete_node({node.profile, node.service, node.node}, std::move(done));
}

void PubsubPlugin::subscriptions(const Target& target,
                                 ResultCallback<std::vector<Subscription>> done) {
    std::string what = describe("subscriptions", target, client(target.profile));
    send(target, "get", subscriptions_request(target.node), what,
         [what, done = std::move(done)](IqAnswer answer) {
             read_answer<std::vector<Subscription>>(std::move(answer), what, done,
                                                    parse_subscriptions);
         });
}

void PubsubPlugin::create_node(const Target& target, const Fields& config,
                               pubsub::DoneCallback done) {
    send_done(target, "set", create_request(target.node, config),
              describe("create node", target, client(target.profile)), std::move(done));
}

void PubsubPlugin::delete_node(const Target& target, pubsub::DoneCallback done) {
    send_done(target, "set", delete_request(target.node),
              describe("delete node", target, client(target.profile)),
              announcing(target, {Event::Kind::Delete, target.service, target.node, {}, {}, {}},
                         std::move(done)));
}

void PubsubPlugin::purge_node(const Target& target, pubsub::DoneCallback done) {
    send_done(target, "set", purge_request(target.node),
              describe("purge node", target, client(target.profile)),
              announcing(target, {Event::Kind::Purge, target.service, target.node, {}, {}, {}},
                         std::move(done)));
}

void PubsubPlugin::configuration(const Target& target, ResultCallback<Fields> done) {
    std::string what = describe("configuration of node", target, client(target.profile));
    send(target, "get", configuration_get_request(target.node), what,
         [what, done = std::move(done)](IqAnswer answer) {
             read_answer<Fields>(std::move(answer), what, done, parse_configuration);
         });
}

void PubsubPlugin::node_configuration(
    const std::string& profile, const std::string& service, const std::string& node,
    std::function<void(pubsub::NodeConfiguration, std::optional<XmppError>)> done) {
    configuration({profile, service, node}, std::move(done));
}

void PubsubPlugin::configure(const Target& target, const Fields& config,
                             pubsub::DoneCallback done) {
    send_done(target, "set", configuration_set_request(target.node, config),
              describe("configure node", target, client(target.profile)), std::move(done));
}

void PubsubPlugin::send(const Target& target, const char* type, const std::string& payload,
                        const std::string& what, IqCallback done) {
    XmppClient* c = client(target.profile);
    if (!c || !c->connected()) {
        done({nullptr, not_connected(target.profile, what)});
        return;
    }
    c->send_iq(type, target.service, payload, what, std::move(done));
}

void PubsubPlugin::send_done(const Target& target, const char* type, const std::string& payload,
                             const std::string& what, pubsub::DoneCallback done) {
    send(target, type, payload, what,
         [done = std::move(done)](IqAnswer answer) { done(std::move(answer.error)); });
}

pubsub::DoneCallback PubsubPlugin::announcing(const Target& target, Event event,
                                              pubsub::DoneCallback done) {
    return [this, alive = alive_, profile = target.profile, event = std::move(event),
            done = std::move(done)](std::optional<XmppError> error) mutable {
        if (!error && *alive) dispatch_event(profile, std::move(event));
        done(std::move(error));
    };
}

void PubsubPlugin::handle_message(XmppClient& client, pugi::xml_node message) {
    if (std::string_view(message.attribute("type").value()) == "error") return;
    if (auto event = parse_event(message)) dispatch_event(client.profile(), std::move(*event));
}

void PubsubPlugin::dispatch_event(const std::string& profile, Event event) {
    auto& triggers = host_->triggers();
    if (event.kind == Event::Kind::Items) {
        // Kept alive by the dispatch until every handler has run, even a Later one.
        if (!event.items.empty()) {
            auto published = std::make_shared<pubsub::ItemsEvent>();
            published->profile = profile;
            published->service = event.service;
            published->node = event.node;
            published->items = std::move(event.items);
            triggers.dispatch(pubsub::kEventItems, *published, [published] {});
        }
        if (!event.retracted.empty()) {
            auto retracted = std::make_shared<pubsub::ItemsEvent>();
            retracted->profile = profile;
            retracted->service = event.service;
            retracted->node = event.node;
            retracted->retracted = std::move(event.retracted);
            triggers.dispatch(pubsub::kEventRetract, *retracted, [retracted] {});
        }
        return;
    }
    auto node_event = std::make_shared<pubsub::NodeEvent>();
    node_event->profile = profile;
    node_event->service = event.service;
    node_event->node = event.node;
    node_event->configuration_xml = std::move(event.configuration_xml);
    const char* point = event.kind == Event::Kind::Purge    ? pubsub::kEventPurge
                        : event.kind == Event::Kind::Delete ? pubsub::kEventDelete
                                                            : pubsub::kEventConfiguration;
    triggers.dispatch(point, *node_event, [node_event] {});
}

}  // namespace roost::xep0060

ROOST_PLUGIN(roost::xep0060::PubsubPlugin, roost::pubsub::kPluginName, "0.1.0", (), ());

// SPDX-License-Identifier: MIT
// PubsubPlugin: the xep_0060 plugin: XEP-0060 requests on behalf of any profile,
// the pubsub.get_items trigger point, and incoming events sent to trigger points.
#pragma once

#include "Events.hpp"
#include "Requests.hpp"
#include "Responses.hpp"
#include "RsmSupport.hpp"
#include "roost/Host.hpp"
#include "roost/NodeConfiguration.hpp"
#include "roost/Plugin.hpp"
#include "roost/Pubsub.hpp"
#include "roost/PubsubWrite.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace roost::xep0060 {

// Every callback is called exactly once, with a value or with the error.
template <class T>
using ResultCallback = std::function<void(T, std::optional<XmppError>)>;

// Where a request goes: a profile's account, and a service ("" = its own PEP).
struct Target {
    std::string profile;
    std::string service;
    std::string node;
};

// Reactor thread only.
class PubsubPlugin final : public Plugin,
                           public pubsub::PubsubApi,
                           public pubsub::NodeConfigurationApi,
                           public pubsub::PubsubWriteApi {
public:
    void start(Host& host) override;
    void stop() override;

    // pubsub::PubsubApi
    void get_items(pubsub::GetItemsRequest request, pubsub::GetItemsCallback done) override;
    void get_items_from_server(pubsub::GetItemsRequest request,
                               pubsub::GetItemsCallback done) override;
    void subscribe(const std::string& profile, const std::string& service, const std::string& node,
                   pubsub::DoneCallback done) override;
    void unsubscribe(const std::string& profile, const std::string& service,
                     const std::string& node, pubsub::DoneCallback done) override;
    void supports_rsm(const std::string& profile, const std::string& service,
                      std::function<void(bool)> done) override;

    // pubsub::NodeConfigurationApi
    void node_configuration(
        const std::string& profile, const std::string& service, const std::string& node,
        std::function<void(pubsub::NodeConfiguration, std::optional<XmppError>)> done) override;

    // pubsub::PubsubWriteApi: the requests below, for other plugins.
    void publish_item(const pubsub::NodeKey& node, const std::string& item_id,
                      const std::string& payload, const pubsub::FormFields& options,
                      pubsub::PublishCallback done) override;
    void retract_items(const pubsub::NodeKey& node, const std::vector<std::string>& item_ids,
                       pubsub::DoneCallback done) override;
    void create_node_with(const pubsub::NodeKey& node, const pubsub::FormFields& config,
                          pubsub::DoneCallback done) override;
    void remove_node(const pubsub::NodeKey& node, pubsub::DoneCallback done) override;

    // `item_id` "" lets the server choose; the answer is the id of the published item.
    void publish(const Target& target, const std::string& item_id, const std::string& payload,
                 const Fields& options, ResultCallback<std::string> done);
    void retract(const Target& target, const std::vector<std::string>& item_ids,
                 pubsub::DoneCallback done);
    // target.node "" for every subscription at the service.
    void subscriptions(const Target& target, ResultCallback<std::vector<Subscription>> done);
    void subscribe_with_answer(const Target& target, ResultCallback<Subscription> done);
    void create_node(const Target& target, const Fields& config, pubsub::DoneCallback done);
    void delete_node(const Target& target, pubsub::DoneCallback done);
    void purge_node(const Target& target, pubsub::DoneCallback done);
    void configuration(const Target& target, ResultCallback<Fields> done);
    void configure(const Target& target, const Fields& config, pubsub::DoneCallback done);

    // The profile's client, or nullptr when the daemon has none connected by that name.
    XmppClient* client(const std::string& profile);
    Host& host() { return *host_; }

private:
    // Sends the IQ; an error when the profile is not connected, else the answer.
    void send(const Target& target, const char* type, const std::string& payload,
              const std::string& what, IqCallback done);
    void send_done(const Target& target, const char* type, const std::string& payload,
                   const std::string& what, pubsub::DoneCallback done);
    void handle_message(XmppClient& client, pugi::xml_node message);
    void dispatch_event(const std::string& profile, Event event);
    // `done`, after the triggers of `event` once the request succeeded: what the account
    // changes itself is known without a notification, which servers do not always send
    // (ejabberd's PEP nodes notify neither deletions nor purges by default). Handlers
    // take an event that comes as well as a repeat.
    pubsub::DoneCallback announcing(const Target& target, Event event, pubsub::DoneCallback done);

    Host* host_ = nullptr;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // false once stopped
    RsmSupport rsm_support_;
    XmppHandlerId message_handler_ = 0;
    XmppHandlerId connection_handler_ = 0;
};

}  // namespace roost::xep0060

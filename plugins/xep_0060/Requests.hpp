// SPDX-License-Identifier: MIT
// Requests: the payloads of the XEP-0060 IQs the plugin sends, as XML text with
// every value escaped. Pure functions, unit-testable without a server.
#pragma once

#include "roost/Pubsub.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roost::xep0060 {

inline constexpr const char* kPubsubNs = "http://jabber.org/protocol/pubsub";
inline constexpr const char* kOwnerNs = "http://jabber.org/protocol/pubsub#owner";
inline constexpr const char* kEventNs = "http://jabber.org/protocol/pubsub#event";
inline constexpr const char* kRsmNs = "http://jabber.org/protocol/rsm";
inline constexpr const char* kRsmFeature = "http://jabber.org/protocol/pubsub#rsm";
inline constexpr const char* kDiscoInfoNs = "http://jabber.org/protocol/disco#info";
inline constexpr const char* kDataFormsNs = "jabber:x:data";
inline constexpr const char* kPublishOptionsForm =
    "http://jabber.org/protocol/pubsub#publish-options";
inline constexpr const char* kNodeConfigForm = "http://jabber.org/protocol/pubsub#node_config";

// A data form's fields (XEP-0004): var -> values.
using Fields = std::map<std::string, std::vector<std::string>>;

// Escapes text for an XML attribute value or element content.
std::string escape(std::string_view text);

// <items/>, with item ids or max_items, and an RSM <set/> when `rsm` is given.
std::string items_request(const pubsub::GetItemsRequest& request,
                          const std::optional<pubsub::RsmRequest>& rsm);
// `payload` is inserted as is: the caller checks it is one well-formed element.
std::string publish_request(const std::string& node, const std::string& item_id,
                            const std::string& payload, const Fields& options);
std::string retract_request(const std::string& node, const std::vector<std::string>& item_ids);
std::string subscribe_request(const std::string& node, const std::string& jid);
std::string unsubscribe_request(const std::string& node, const std::string& jid);
// All our subscriptions at the service, or those of `node` when not empty.
std::string subscriptions_request(const std::string& node);
std::string create_request(const std::string& node, const Fields& config);
std::string delete_request(const std::string& node);
std::string purge_request(const std::string& node);
std::string configuration_get_request(const std::string& node);
std::string configuration_set_request(const std::string& node, const Fields& config);
std::string disco_info_request();

// <x xmlns='jabber:x:data' type='submit'/> with FORM_TYPE `form_type`.
std::string submit_form(const std::string& form_type, const Fields& fields);

}  // namespace roost::xep0060

// SPDX-License-Identifier: MIT
// Requests: building XEP-0060 IQ payloads.
#include "Requests.hpp"

namespace roost::xep0060 {
namespace {

std::string attribute(const char* name, const std::string& value) {
    return std::string(" ") + name + "='" + escape(value) + "'";
}

std::string element(const char* name, const std::string& text) {
    return std::string("<") + name + ">" + escape(text) + "</" + name + ">";
}

std::string rsm_set(const pubsub::RsmRequest& rsm) {
    std::string xml = std::string("<set xmlns='") + kRsmNs + "'>";
    if (rsm.max) xml += element("max", std::to_string(*rsm.max));
    if (rsm.after) xml += element("after", *rsm.after);
    if (rsm.before) xml += rsm.before->empty() ? "<before/>" : element("before", *rsm.before);
    if (rsm.index) xml += element("index", std::to_string(*rsm.index));
    return xml + "</set>";
}

std::string pubsub(const char* ns, const std::string& inner) {
    return std::string("<pubsub xmlns='") + ns + "'>" + inner + "</pubsub>";
}

std::string item_refs(const std::vector<std::string>& ids) {
    std::string xml;
    for (const auto& id : ids) xml += "<item" + attribute("id", id) + "/>";
    return xml;
}

}  // namespace

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\'': out += "&apos;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string items_request(const pubsub::GetItemsRequest& request,
                          const std::optional<pubsub::RsmRequest>& rsm) {
    std::string xml = "<items" + attribute("node", request.node);
    if (request.max_items && request.item_ids.empty())
        xml += attribute("max_items", std::to_string(*request.max_items));
    xml += ">" + item_refs(request.item_ids) + "</items>";
    if (rsm && request.item_ids.empty()) xml += rsm_set(*rsm);
    return pubsub(kPubsubNs, xml);
}

std::string publish_request(const std::string& node, const std::string& item_id,
                            const std::string& payload, const Fields& options) {
    std::string item = "<item" + (item_id.empty() ? std::string() : attribute("id", item_id)) +
                       ">" + payload + "</item>";
    std::string xml = "<publish" + attribute("node", node) + ">" + item + "</publish>";
    if (!options.empty())
        xml +=
            "<publish-options>" + submit_form(kPublishOptionsForm, options) + "</publish-options>";
    return pubsub(kPubsubNs, xml);
}

std::string retract_request(const std::string& node, const std::vector<std::string>& item_ids) {
    return pubsub(kPubsubNs, "<retract" + attribute("node", node) + " notify='true'>" +
                                 item_refs(item_ids) + "</retract>");
}

std::string subscribe_request(const std::string& node, const std::string& jid) {
    return pubsub(kPubsubNs, "<subscribe" + attribute("node", node) + attribute("jid", jid) + "/>");
}

std::string unsubscribe_request(const std::string& node, const std::string& jid) {
    return pubsub(kPubsubNs,
                  "<unsubscribe" + attribute("node", node) + attribute("jid", jid) + "/>");
}

std::string subscriptions_request(const std::string& node) {
    return pubsub(kPubsubNs, "<subscriptions" +
                                 (node.empty() ? std::string() : attribute("node", node)) + "/>");
}

std::string create_request(const std::string& node, const Fields& config) {
    std::string xml = "<create" + attribute("node", node) + "/>";
    if (!config.empty())
        xml += "<configure>" + submit_form(kNodeConfigForm, config) + "</configure>";
    return pubsub(kPubsubNs, xml);
}

std::string delete_request(const std::string& node) {
    return pubsub(kOwnerNs, "<delete" + attribute("node", node) + "/>");
}

std::string purge_request(const std::string& node) {
    return pubsub(kOwnerNs, "<purge" + attribute("node", node) + "/>");
}

std::string configuration_get_request(const std::string& node) {
    return pubsub(kOwnerNs, "<configure" + attribute("node", node) + "/>");
}

std::string configuration_set_request(const std::string& node, const Fields& config) {
    return pubsub(kOwnerNs, "<configure" + attribute("node", node) + ">" +
                                submit_form(kNodeConfigForm, config) + "</configure>");
}

std::string disco_info_request() { return std::string("<query xmlns='") + kDiscoInfoNs + "'/>"; }

std::string submit_form(const std::string& form_type, const Fields& fields) {
    std::string xml = std::string("<x xmlns='") + kDataFormsNs + "' type='submit'>" +
                      "<field var='FORM_TYPE' type='hidden'>" + element("value", form_type) +
                      "</field>";
    for (const auto& [var, values] : fields) {
        xml += "<field" + attribute("var", var) + ">";
        for (const auto& value : values) xml += element("value", value);
        xml += "</field>";
    }
    return xml + "</x>";
}

}  // namespace roost::xep0060

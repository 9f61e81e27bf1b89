// SPDX-License-Identifier: MIT
// ScopedIpc and ScopedXmpp: bookkeeping of what one plugin registered.
#include "src/core/ScopedServices.hpp"

namespace roost::core {

ScopedIpc::~ScopedIpc() {
    for (const auto& name : methods_) target_.remove_method(name);
}

void ScopedIpc::add_method(const std::string& name, RpcMethod method) {
    target_.add_method(name, std::move(method));
    methods_.insert(name);
}

void ScopedIpc::remove_method(const std::string& name) {
    if (methods_.erase(name)) target_.remove_method(name);
}

ScopedXmpp::~ScopedXmpp() {
    for (XmppHandlerId id : handlers_) target_.remove_handler(id);
}

XmppHandlerId ScopedXmpp::on_message(MessageHandler handler) {
    return kept(target_.on_message(std::move(handler)));
}

XmppHandlerId ScopedXmpp::on_presence(PresenceHandler handler) {
    return kept(target_.on_presence(std::move(handler)));
}

XmppHandlerId ScopedXmpp::on_iq_request(const std::string& payload_namespace,
                                        IqRequestHandler handler) {
    return kept(target_.on_iq_request(payload_namespace, std::move(handler)));
}

XmppHandlerId ScopedXmpp::on_connection(ConnectionHandler handler) {
    return kept(target_.on_connection(std::move(handler)));
}

void ScopedXmpp::remove_handler(XmppHandlerId id) {
    if (handlers_.erase(id)) target_.remove_handler(id);
}

}  // namespace roost::core

// SPDX-License-Identifier: MIT
// RsmSupport: a disco#info cache of one feature.
#include "RsmSupport.hpp"

#include "Requests.hpp"
#include "Responses.hpp"

#include <memory>

namespace roost::xep0060 {

void RsmSupport::query(XmppClient& client, const std::string& service,
                       std::function<void(bool)> done) {
    Key key{client.profile(), service};
    if (auto found = known_.find(key); found != known_.end()) {
        done(found->second);
        return;
    }
    // The cache outlives no request: the plugin owns it and stops before the clients.
    client.send_iq("get", service, disco_info_request(),
                   "disco#info of " + (service.empty() ? client.bare_jid() : service),
                   [this, key, done = std::move(done)](IqAnswer answer) {
                       if (!answer.ok()) {
                           done(known_.count(key) ? known_[key] : false);
                           return;
                       }
                       bool supported = has_feature(answer.iq(), kRsmFeature) || known_[key];
                       known_[key] = supported;
                       done(supported);
                   });
}

void RsmSupport::learn(const std::string& profile, const std::string& service) {
    known_[{profile, service}] = true;
}

void RsmSupport::refuse(const std::string& profile, const std::string& service) {
    refusing_.insert({profile, service});
}

bool RsmSupport::refuses(const std::string& profile, const std::string& service) const {
    return refusing_.contains({profile, service});
}

void RsmSupport::forget(const std::string& profile) {
    std::erase_if(known_, [&](const auto& entry) { return entry.first.first == profile; });
    std::erase_if(refusing_, [&](const Key& key) { return key.first == profile; });
}

}  // namespace roost::xep0060

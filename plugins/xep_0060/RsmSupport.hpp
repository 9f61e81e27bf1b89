// SPDX-License-Identifier: MIT
// RsmSupport: which pubsub services page items with RSM (XEP-0059), per profile:
// asked once through disco#info, or learnt from an answer that carried a <set/>.
#pragma once

#include "roost/Xmpp.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace roost::xep0060 {

// Reactor thread only.
class RsmSupport {
public:
    // Calls `done` once with what is known, asking the service first when nothing is.
    // A service that cannot be asked counts as one without RSM (and is asked again later).
    void query(XmppClient& client, const std::string& service, std::function<void(bool)> done);
    // The service answered with an RSM <set/>: it pages.
    void learn(const std::string& profile, const std::string& service);
    // The service answered a <set/> with an error that refuses RSM: fetching a whole node
    // there goes without one from the start.
    void refuse(const std::string& profile, const std::string& service);
    bool refuses(const std::string& profile, const std::string& service) const;
    // Forgets what was learnt for a profile (its server may have changed).
    void forget(const std::string& profile);

private:
    using Key = std::pair<std::string, std::string>;  // profile, service
    std::map<Key, bool> known_;
    std::set<Key> refusing_;
};

}  // namespace roost::xep0060

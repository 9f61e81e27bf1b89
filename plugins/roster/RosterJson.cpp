// SPDX-License-Identifier: MIT
#include "RosterJson.hpp"

namespace roost::roster {

using nlohmann::json;

json to_json(const RosterItem& item) {
    return {{"jid", item.jid},
            {"name", item.name},
            {"groups", item.groups},
            {"subscription", std::string(to_string(item.subscription))},
            {"ask", item.ask ? json("subscribe") : json()}};
}

json to_json(const SubscriptionRequest& request) {
    return {{"jid", request.jid},
            {"message", request.message},
            {"received_at", request.received_at}};
}

json to_json(const RosterChange& change) {
    json out = {{"profile", change.profile}, {"jid", change.jid}};
    if (change.kind == RosterChange::Kind::Item) {
        out["kind"] = "item";
        out["item"] = change.item ? to_json(*change.item) : json();
    } else {
        out["kind"] = "request";
        out["request"] = change.request ? to_json(*change.request) : json();
    }
    return out;
}

}  // namespace roost::roster

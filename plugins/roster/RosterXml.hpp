// SPDX-License-Identifier: MIT
// RosterXml: the jabber:iq:roster payload (RFC 6121 §2.1) read into RosterItems, and the
// items a roster set sends written out.
#pragma once

#include "roost/Roster.hpp"

#include <pugixml.hpp>

#include <optional>
#include <string>
#include <vector>

namespace roost::roster {

inline constexpr const char* kRosterNamespace = "jabber:iq:roster";

// A <query xmlns='jabber:iq:roster'/> as read: the items set, the JIDs removed
// (subscription='remove', only in pushes), the version (XEP-0237) when it has one, and
// one line per item skipped because it was unusable (no JID, an invalid one).
struct RosterQuery {
    std::vector<RosterItem> items;
    std::vector<std::string> removed;
    std::optional<std::string> version;
    std::vector<std::string> skipped;
};

// The <query/> child of an IQ, or an empty node when it has none (a versioned roster
// result that says "nothing changed").
pugi::xml_node roster_query_of(pugi::xml_node iq);
RosterQuery read_roster_query(pugi::xml_node query);

// <query xmlns='jabber:iq:roster'><item jid=.. name=..><group/>..</item></query>, for a
// roster set that adds or updates `item` (its subscription and ask are the server's).
std::string roster_set_payload(const RosterItem& item);
std::string roster_remove_payload(const std::string& jid);
std::string roster_get_payload(const std::optional<std::string>& version);

}  // namespace roost::roster

// SPDX-License-Identifier: MIT
// PubsubStanzas: what a XEP-0060 service sends, as text, for tests that play the
// server to a FakeClient: items answers with an RSM <set/>, and event messages.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace roost::test::stanza {

// <item id='id'><note xmlns='urn:example:notes'>text</note></item>
std::string item(const std::string& id, const std::string& text = "a note");
// item() for each of prefix-<first> .. prefix-<last>, oldest first ("n-3", "n-4").
std::vector<std::string> items_numbered(const std::string& prefix, int first, int last);
std::vector<std::string> ids_numbered(const std::string& prefix, int first, int last);

// XEP-0059 <set/> of an answer.
struct Rsm {
    std::string first;
    std::optional<int> first_index;
    std::string last;
    std::optional<int> count;
};

// The <pubsub/> of an items result.
std::string items(const std::string& node, const std::vector<std::string>& items,
                  const std::optional<Rsm>& rsm = std::nullopt);
// The <query/> of a disco#info result with these features.
std::string disco_info(const std::vector<std::string>& features);

// <message/>s of pubsub#event from `service` to `to`.
std::string items_event(const std::string& service, const std::string& to, const std::string& node,
                        const std::vector<std::string>& items);
std::string retract_event(const std::string& service, const std::string& to,
                          const std::string& node, const std::vector<std::string>& ids);
std::string purge_event(const std::string& service, const std::string& to, const std::string& node);
std::string delete_event(const std::string& service, const std::string& to,
                         const std::string& node);

}  // namespace roost::test::stanza

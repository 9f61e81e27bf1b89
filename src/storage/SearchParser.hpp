// SPDX-License-Identifier: MIT
// SearchParser: search text (doc/search.md) read into a pubsub::SearchQuery by recursive
// descent over SearchLexer's tokens; a mistake is told with the column it is at.
#pragma once

#include "roost/PubsubStore.hpp"

#include <string_view>

namespace roost::storage {

// `title contains "roost" and published > "2024-01-01T00:00:00Z" order by published desc
// limit 20`.
// The profile is left for the caller to fill unless the text names one (profile:"x").
pubsub::ParsedSearch parse_search_query(std::string_view text);

}  // namespace roost::storage

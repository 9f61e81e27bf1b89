// SPDX-License-Identifier: MIT
// IndexedField: a field of items' parsed JSON that an analyser asks the pubsub cache to
// index, so that searches on it read an index instead of every item (doc/search.md).
#pragma once

#include <string>

namespace roost::pubsub {

enum class FieldIndexKind {
    Value,     // text or number: ==, !=, <, <=, >, >=, in
    DateTime,  // XEP-0082 dates: comparisons with a date, and ordering by the field
    List,      // an array: contains
};

struct IndexedField {
    std::string path;  // as a search names it: "published", "author.jid"
    FieldIndexKind kind = FieldIndexKind::Value;
};

// At most this many fields are indexed in one database: each index costs every write.
inline constexpr int kMaxIndexedFields = 32;

}  // namespace roost::pubsub

// SPDX-License-Identifier: MIT
// Rfc3339: XEP-0082 DateTimes (the profile of RFC 3339 that XMPP uses) read as instants,
// so that search compares dates by the time they name, not by how they are written.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace roost::storage {

// What a piece of text is, read as a date.
struct DateReading {
    enum class Kind {
        Text,      // does not begin like a date (CCYY-MM-DD then T, a time or nothing)
        Date,      // a valid date alone, without a time: no instant
        DateTime,  // a valid CCYY-MM-DDThh:mm:ss[.s...](Z|±hh:mm): `epoch_ms` is its instant
        Invalid,   // begins like a date but is not a valid one: `problem` says why
    };
    Kind kind = Kind::Text;
    std::int64_t epoch_ms = 0;
    // Fixed text, so that reading allocates nothing: SQL calls it once per row.
    const char* problem = "";
};

// Reads `text` whole. The instant is in milliseconds since 1970-01-01T00:00:00Z; digits
// of a fraction past the millisecond are cut off, not rounded. 't' and 'z' may be lower
// case (RFC 3339 5.6); second 60 (a leap second) counts as the next minute's first.
DateReading read_date(std::string_view text) noexcept;

// The instant of a DateTime, nullopt for any other text.
std::optional<std::int64_t> date_time_ms(std::string_view text) noexcept;

}  // namespace roost::storage

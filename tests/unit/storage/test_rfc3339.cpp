// SPDX-License-Identifier: MIT
// The XEP-0082 date reader: instants of DateTimes with offsets and fractions, the
// calendar, dates alone, other text, and the message for each mistake.
#include "src/storage/Rfc3339.hpp"

#include <doctest/doctest.h>

#include <string>

using roost::storage::date_time_ms;
using roost::storage::DateReading;
using roost::storage::read_date;
using Kind = DateReading::Kind;

namespace {

constexpr std::int64_t kNoonUtc = 1780315200000;  // 2026-06-01T12:00:00Z

std::string problem_of(const std::string& text) {
    DateReading reading = read_date(text);
    REQUIRE(reading.kind == Kind::Invalid);
    return reading.problem;
}

}  // namespace

TEST_CASE("a DateTime in UTC or with an offset is the instant it names") {
    CHECK(date_time_ms("2026-06-01T12:00:00Z") == kNoonUtc);
    CHECK(date_time_ms("2026-06-01T14:00:00+02:00") == kNoonUtc);
    CHECK(date_time_ms("2026-06-01T09:00:00-03:00") == kNoonUtc);
    CHECK(date_time_ms("2026-06-01T17:45:00+05:45") == kNoonUtc);
    CHECK(date_time_ms("2026-06-01T12:00:00-00:00") == kNoonUtc);
    // An offset can move the instant into another day.
    CHECK(date_time_ms("2026-06-01T23:00:00-01:00") == 1780358400000);
    CHECK(date_time_ms("2026-06-01t12:00:00z") == kNoonUtc);  // RFC 3339 5.6
}

TEST_CASE("fractions of any length count to the millisecond and are cut, not rounded") {
    CHECK(date_time_ms("2026-06-01T12:00:00.5Z") == kNoonUtc + 500);
    CHECK(date_time_ms("2026-06-01T12:00:00.500Z") == kNoonUtc + 500);
    CHECK(date_time_ms("2026-06-01T12:00:00.123456Z") == kNoonUtc + 123);
    CHECK(date_time_ms("2026-06-01T12:00:00.000999Z") == kNoonUtc);
    CHECK(date_time_ms("2026-06-01T11:59:59.9999999999999999999999Z") == kNoonUtc - 1);
    CHECK(date_time_ms("2026-06-01T14:00:00.25+02:00") == kNoonUtc + 250);
}

TEST_CASE("the calendar holds from year 0000 to 9999, before 1970 and on leap days") {
    CHECK(date_time_ms("1970-01-01T00:00:00Z") == 0);
    CHECK(date_time_ms("1969-12-31T23:59:59.999Z") == -1);
    CHECK(date_time_ms("0001-01-01T00:00:00Z") == -62135596800000);
    CHECK(date_time_ms("0000-01-01T00:00:00Z") == -62167219200000);
    CHECK(date_time_ms("9999-12-31T23:59:59.999Z") == 253402300799999);
    CHECK(date_time_ms("2024-02-29T00:00:00Z") == 1709164800000);
    CHECK(date_time_ms("2000-02-29T00:00:00Z"));
    // A leap second is the next minute's first.
    CHECK(date_time_ms("2026-06-01T11:59:60Z") == kNoonUtc);
}

TEST_CASE("a date alone is a valid date with no instant") {
    DateReading reading = read_date("2024-01-01");
    CHECK(reading.kind == Kind::Date);
    CHECK_FALSE(date_time_ms("2024-01-01"));
}

TEST_CASE("text that does not begin like a date is text, without a mistake") {
    for (const char* text :
         {"", "soon", "2024", "2024-1-1", "2024-01-1", "20240101T120000Z", "2024-01-01-release",
          "2024-01-01 notes", "2024-01-01 ", "2024/01/01", "12:00:00Z", "-2024-01-01"}) {
        INFO(text);
        CHECK(read_date(text).kind == Kind::Text);
        CHECK_FALSE(date_time_ms(text));
    }
}

TEST_CASE("a date that is wrong says what is wrong") {
    CHECK(problem_of("2026-13-01T00:00:00Z") == "the month must be 01 to 12");
    CHECK(problem_of("2026-00-01") == "the month must be 01 to 12");
    CHECK(problem_of("2023-02-29T00:00:00Z") == "that day does not exist in that month");
    CHECK(problem_of("2026-04-31") == "that day does not exist in that month");
    CHECK(problem_of("2026-04-00") == "that day does not exist in that month");
    CHECK(problem_of("2026-06-01 12:00:00Z") == "put 'T' between the date and the time");
    CHECK(problem_of("2026-06-01T12:00Z") == "the time must be hh:mm:ss after the 'T'");
    CHECK(problem_of("2026-06-01T") == "the time must be hh:mm:ss after the 'T'");
    CHECK(problem_of("2026-06-01T1x:00:00Z") == "the time must be hh:mm:ss after the 'T'");
    CHECK(problem_of("2026-06-01T24:00:00Z") == "the hour must be 00 to 23");
    CHECK(problem_of("2026-06-01T12:60:00Z") == "the minutes must be 00 to 59");
    CHECK(problem_of("2026-06-01T12:00:61Z") == "the seconds must be 00 to 60");
    CHECK(problem_of("2026-06-01T12:00:00.Z") ==
          "a '.' after the seconds must be followed by digits");
    CHECK(problem_of("2026-06-01T12:00:00") == "no time zone: end with Z or with +hh:mm / -hh:mm");
    CHECK(problem_of("2026-06-01T12:00:00.5") ==
          "no time zone: end with Z or with +hh:mm / -hh:mm");
    CHECK(problem_of("2026-06-01T12:00:00+0200") == "the time zone must be Z, +hh:mm or -hh:mm");
    CHECK(problem_of("2026-06-01T12:00:00+02") == "the time zone must be Z, +hh:mm or -hh:mm");
    CHECK(problem_of("2026-06-01T12:00:00UTC") == "the time zone must be Z, +hh:mm or -hh:mm");
    CHECK(problem_of("2026-06-01T12:00:00+24:00") == "the time zone offset must be at most 23:59");
    CHECK(problem_of("2026-06-01T12:00:00+02:60") == "the time zone offset must be at most 23:59");
    CHECK(problem_of("2026-06-01T12:00:00Z ") == "unexpected text after the time zone");
    CHECK(problem_of("2026-06-01T12:00:00+02:00Z") == "unexpected text after the time zone");
}

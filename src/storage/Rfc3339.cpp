// SPDX-License-Identifier: MIT
// Rfc3339: a strict left-to-right reader of XEP-0082 dates; no locale, no allocation,
// no time zone database (an offset is all an XEP-0082 DateTime carries).
#include "src/storage/Rfc3339.hpp"

namespace roost::storage {
namespace {

constexpr std::int64_t kMsPerMinute = 60'000;
constexpr std::int64_t kMsPerDay = 86'400'000;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
// days_from_civil): exact for every year, before 1970 included.
std::int64_t days_from_civil(int year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const int year_of_era = year - era * 400;
    const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return std::int64_t{era} * 146097 + day_of_era - 719468;
}

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

// Reads the text in order; each step fails with the first thing wrong.
class Reader {
public:
    explicit Reader(std::string_view text) : text_(text) {}

    DateReading run() {
        if (!begins_like_a_date()) return {};
        const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
        if (month < 1 || month > 12) return invalid("the month must be 01 to 12");
        if (day < 1 || day > days_in_month(year, month))
            return invalid("that day does not exist in that month");
        const std::int64_t date_ms = days_from_civil(year, month, day) * kMsPerDay;
        if (text_.size() == 10) return {DateReading::Kind::Date, date_ms, ""};
        if (text_[10] == ' ') return invalid("put 'T' between the date and the time");
        return time_of_day(date_ms);
    }

private:
    // CCYY-MM-DD, then the end, a 'T', or a space and a digit (a time written the wrong
    // way); "2024-01-01 notes" is text.
    bool begins_like_a_date() const {
        if (text_.size() < 10) return false;
        for (std::size_t i = 0; i < 10; ++i) {
            const bool dash = i == 4 || i == 7;
            if (dash ? text_[i] != '-' : !is_digit(text_[i])) return false;
        }
        if (text_.size() == 10 || text_[10] == 'T' || text_[10] == 't') return true;
        return text_[10] == ' ' && text_.size() > 11 && is_digit(text_[11]);
    }

    DateReading time_of_day(std::int64_t date_ms) {
        // "Thh:mm:ss" at 10..18
        if (text_.size() < 19 || text_[13] != ':' || text_[16] != ':' || !digits(11, 2) ||
            !digits(14, 2) || !digits(17, 2))
            return invalid("the time must be hh:mm:ss after the 'T'");
        const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
        if (hour > 23) return invalid("the hour must be 00 to 23");
        if (minute > 59) return invalid("the minutes must be 00 to 59");
        if (second > 60) return invalid("the seconds must be 00 to 60");
        std::int64_t ms = date_ms + (hour * 60 + minute) * kMsPerMinute + second * 1000;
        pos_ = 19;
        if (pos_ < text_.size() && text_[pos_] == '.') {
            if (++pos_ == text_.size() || !is_digit(text_[pos_]))
                return invalid("a '.' after the seconds must be followed by digits");
            ms += fraction_ms();
        }
        return zone(ms);
    }

    // Any number of digits; the first three are the milliseconds (".5" is 500).
    std::int64_t fraction_ms() {
        std::int64_t ms = 0;
        int places = 0;
        for (; pos_ < text_.size() && is_digit(text_[pos_]); ++pos_) {
            if (places < 3) {
                ms = ms * 10 + (text_[pos_] - '0');
                ++places;
            }
        }
        for (; places < 3; ++places) ms *= 10;
        return ms;
    }

    DateReading zone(std::int64_t local_ms) {
        if (pos_ == text_.size())
            return invalid("no time zone: end with Z or with +hh:mm / -hh:mm");
        const char sign = text_[pos_];
        if (sign == 'Z' || sign == 'z') {
            ++pos_;
            return end(local_ms);
        }
        if ((sign != '+' && sign != '-') || text_.size() < pos_ + 6 || text_[pos_ + 3] != ':' ||
            !digits(pos_ + 1, 2) || !digits(pos_ + 4, 2))
            return invalid("the time zone must be Z, +hh:mm or -hh:mm");
        const int hours = number(pos_ + 1, 2), minutes = number(pos_ + 4, 2);
        if (hours > 23 || minutes > 59)
            return invalid("the time zone offset must be at most 23:59");
        pos_ += 6;
        // Local time = UTC + offset: subtracting the offset gives UTC.
        const std::int64_t offset = (hours * 60 + minutes) * kMsPerMinute;
        return end(sign == '+' ? local_ms - offset : local_ms + offset);
    }

    DateReading end(std::int64_t utc_ms) const {
        if (pos_ != text_.size()) return invalid("unexpected text after the time zone");
        return {DateReading::Kind::DateTime, utc_ms, ""};
    }

    bool digits(std::size_t at, std::size_t count) const {
        for (std::size_t i = at; i < at + count; ++i) {
            if (!is_digit(text_[i])) return false;
        }
        return true;
    }

    // The value of `count` digits at `at`, already known to be digits.
    int number(std::size_t at, std::size_t count) const {
        int value = 0;
        for (std::size_t i = at; i < at + count; ++i) value = value * 10 + (text_[i] - '0');
        return value;
    }

    static DateReading invalid(const char* problem) {
        return {DateReading::Kind::Invalid, 0, problem};
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

DateReading read_date(std::string_view text) noexcept { return Reader(text).run(); }

std::optional<std::int64_t> date_time_ms(std::string_view text) noexcept {
    DateReading reading = read_date(text);
    if (reading.kind != DateReading::Kind::DateTime) return std::nullopt;
    return reading.epoch_ms;
}

}  // namespace roost::storage

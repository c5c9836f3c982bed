// detail::parse_time_operand: the text of a filter's operand on a timestamp field, read as
// Medusa's database reads a timestamptz literal, in the forms callers write.
//
// Medusa passes the text to PostgreSQL, whose date input accepts far more than ISO 8601. This
// reads the numeric forms, with the same results: white space around the text; the date as
// YYYY-M-D or YYYY/M/D (one or two digits for month and day) or YYYYMMDD; then optionally the
// time after `T`, `t` or spaces as H:MM, H:MM:SS, HHMM or HHMMSS, the seconds with or without a
// fraction (24:00 is the next midnight); then optionally a zone, with or without a space before
// it: `Z`, `z`, `UTC`, `GMT` (any case) or an offset +H, +HH, +HMM, +HHMM, +H:MM or +HH:MM up to
// ±15:59 (a time without a zone is UTC, the zone of Medusa's database sessions). The date may
// also be a word, `today`, `tomorrow` or `yesterday` (any case), the day in UTC of `now`, the
// time of the call (the database's: its transaction's), then the time and zone as above
// (`today 10:00`, `yesterday Z`). And the words `now` (the call's time), `epoch`, `infinity`
// and `-infinity` (any case) alone: `infinity` is later than every stored time, `-infinity`
// earlier. A fraction keeps its milliseconds (further digits are dropped).
//
// Not read (nullopt, which the caller reports as invalid_data): month names, zone names other
// than UTC and GMT (`CET`), day and month first (`01/02/2024`, which depends on the database's
// DateStyle), `now` with a time or zone after it, a fraction after HHMM, years beyond 9999, BC
// dates. Thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "customerdb/timestamp.hpp"

namespace customerdb::detail {

std::optional<timestamp> parse_time_operand(std::string_view text, timestamp now) noexcept;

}  // namespace customerdb::detail

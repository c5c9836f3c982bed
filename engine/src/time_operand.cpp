#include "time_operand.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>

#include "sql_words.hpp"

namespace customerdb::detail {
namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// A cursor over the operand's text.
struct reader {
  std::string_view s;
  std::size_t at = 0;

  bool done() const noexcept { return at == s.size(); }
  char peek() const noexcept { return done() ? '\0' : s[at]; }
  // Reads `min` to `max` digits into `out`.
  bool number(std::size_t min, std::size_t max, int& out) noexcept {
    std::size_t n = 0;
    out = 0;
    while (n < max && !done() && is_digit(s[at])) {
      out = out * 10 + (s[at++] - '0');
      ++n;
    }
    return n >= min;
  }
  bool take(char c) noexcept {
    if (peek() != c) return false;
    ++at;
    return true;
  }
  void skip_spaces() noexcept {
    while (!done() && is_sql_space(s[at])) ++at;
  }
};

// Reads a zone at `r` into `offset_minutes`: Z, UTC, GMT or an offset. False when none is there.
bool zone(reader& r, int& offset_minutes) noexcept {
  const std::string_view rest = r.s.substr(r.at);
  if (is_keyword(rest, "z") || is_keyword(rest, "utc") || is_keyword(rest, "gmt")) {
    r.at = r.s.size();
    offset_minutes = 0;
    return true;
  }
  if (r.peek() != '+' && r.peek() != '-') return false;
  const int sign = r.peek() == '-' ? -1 : 1;
  ++r.at;
  int hours = 0, minutes = 0;
  const std::size_t start = r.at;
  if (!r.number(1, 4, hours)) return false;
  const std::size_t digits = r.at - start;
  if (digits >= 3) {  // +HMM, +HHMM
    minutes = hours % 100;
    hours /= 100;
  } else if (r.take(':') && !r.number(2, 2, minutes)) {  // +H, +HH, +H:MM, +HH:MM
    return false;
  }
  if (hours > 15 || minutes > 59) return false;  // PostgreSQL's widest offsets are ±15:59
  offset_minutes = sign * (hours * 60 + minutes);
  return true;
}

// Reads a date word at the start of `r` (today, tomorrow, yesterday, in any case, then the end
// or white space): the day it names in UTC from `now`. nullopt when none is there.
std::optional<std::chrono::year_month_day> date_word(reader& r, timestamp now) noexcept {
  using namespace std::chrono;
  static constexpr std::pair<std::string_view, int> words[] = {
      {"today", 0}, {"tomorrow", 1}, {"yesterday", -1}};
  for (const auto& [word, offset] : words) {
    if (r.s.size() < word.size() || !is_keyword(r.s.substr(0, word.size()), word)) continue;
    if (r.s.size() > word.size() && !is_sql_space(r.s[word.size()])) continue;
    r.at = word.size();
    return year_month_day{floor<days>(now) + days{offset}};
  }
  return std::nullopt;
}

// Reads a numeric date at the start of `r`: YYYYMMDD, or YYYY-M-D or YYYY/M/D (one or two
// digits for month and day). nullopt when none is there or it names no day.
std::optional<std::chrono::year_month_day> numeric_date(reader& r) noexcept {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0;
  if (r.s.size() >= 8 && r.number(8, 8, y) && (r.done() || !is_digit(r.peek()))) {
    d = y % 100;  // YYYYMMDD
    mo = y / 100 % 100;
    y /= 10000;
  } else {
    r.at = 0;
    if (!r.number(4, 4, y)) return std::nullopt;
    const char separator = r.peek();
    if (separator != '-' && separator != '/') return std::nullopt;
    ++r.at;
    if (!r.number(1, 2, mo) || !r.take(separator) || !r.number(1, 2, d)) return std::nullopt;
  }
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

}  // namespace

std::optional<timestamp> parse_time_operand(std::string_view text, timestamp now) noexcept {
  using namespace std::chrono;
  const std::string_view s = trim_sql_space(text);
  if (is_keyword(s, "epoch")) return timestamp{};
  if (is_keyword(s, "infinity")) return timestamp::max();
  if (is_keyword(s, "-infinity")) return timestamp::min();
  if (is_keyword(s, "now")) return now;

  reader r{s};
  auto date = date_word(r, now);
  if (!date) date = numeric_date(r);
  if (!date) return std::nullopt;

  int h = 0, mi = 0, sec = 0, ms = 0, offset_minutes = 0;
  const bool time_follows = r.take('T') || r.take('t');
  if (!time_follows) r.skip_spaces();
  if (time_follows || (!r.done() && is_digit(r.peek()))) {
    const std::size_t start = r.at;
    int run = 0;
    if (!r.number(1, 6, run)) return std::nullopt;
    const std::size_t digits = r.at - start;
    bool seconds_read = true;
    if (digits == 4 || digits == 6) {  // HHMM or HHMMSS
      if (digits == 4) run *= 100;
      h = run / 10000;
      mi = run / 100 % 100;
      sec = run % 100;
      seconds_read = digits == 6;
    } else {  // H:MM, H:MM:SS
      h = run;
      if (digits > 2 || !r.take(':') || !r.number(2, 2, mi)) return std::nullopt;
      seconds_read = r.take(':');
      if (seconds_read && !r.number(2, 2, sec)) return std::nullopt;
    }
    if (seconds_read && r.take('.')) {
      int fraction_digits = 0;
      for (; !r.done() && is_digit(r.peek()); ++r.at, ++fraction_digits)
        if (fraction_digits < 3) ms = ms * 10 + (r.peek() - '0');
      if (fraction_digits == 0) return std::nullopt;
      for (; fraction_digits < 3; ++fraction_digits) ms *= 10;
    }
    // 24:00:00 is the next midnight, as the database reads it.
    if ((h > 23 && (h != 24 || mi != 0 || sec != 0 || ms != 0)) || mi > 59 || sec > 59)
      return std::nullopt;
    r.skip_spaces();
  }
  if (!r.done() && !zone(r, offset_minutes)) return std::nullopt;
  if (!r.done()) return std::nullopt;
  return timestamp{sys_days{*date}} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms} -
         minutes{offset_minutes};
}

}  // namespace customerdb::detail

#include "customerdb/postgres/lsn.hpp"

#include <fmt/format.h>

#include <ostream>

#include "customerdb/postgres/pg_error.hpp"

namespace customerdb::postgres {

namespace {

// One side of "hi/lo" into `out`: false unless it is 1 to 8 hexadecimal digits.
bool parse_lsn_half(std::string_view digits, std::uint32_t& out) noexcept {
  if (digits.empty() || digits.size() > 8) return false;
  std::uint32_t v = 0;
  for (const char c : digits) {
    std::uint32_t d = 0;
    if (c >= '0' && c <= '9') {
      d = static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
    v = v << 4 | d;
  }
  out = v;
  return true;
}

}  // namespace

lsn lsn::parse(std::string_view text) {
  const auto slash = text.find('/');
  std::uint32_t high = 0;
  std::uint32_t low = 0;
  if (slash == std::string_view::npos || !parse_lsn_half(text.substr(0, slash), high) ||
      !parse_lsn_half(text.substr(slash + 1), low))
    throw pg_error(fmt::format(
        "invalid LSN \"{}\": expected two hexadecimal numbers of 1 to 8 digits separated by '/' "
        "(as in 16/B374D848)",
        text));
  return lsn{static_cast<std::uint64_t>(high) << 32 | low};
}

std::string lsn::to_string() const {
  return fmt::format("{:X}/{:X}", value >> 32, value & 0xFFFFFFFFu);
}

std::ostream& operator<<(std::ostream& out, lsn position) { return out << position.to_string(); }

}  // namespace customerdb::postgres

// lsn: a position in PostgreSQL's write-ahead log (a "log sequence number"), the unsigned
// 64-bit byte offset PostgreSQL calls XLogRecPtr. Its text form is PostgreSQL's: the high and
// the low 32 bits in hexadecimal, separated by '/' ("16/B374D848"; "0/0" is the invalid
// position, which START_REPLICATION takes as "where the slot is").
//
//   lsn::parse("16/B374D848").value == 0x16B374D848
//   lsn{0x16B374D848}.to_string() == "16/B374D848"   (upper case, no leading zeros, as the server)
//
// parse() accepts what the server's pg_lsn type accepts: 1 to 8 hexadecimal digits of either
// case on each side, nothing else (no spaces, no sign). Anything else throws pg_error
//   invalid LSN "16-B374D848": expected two hexadecimal numbers of 1 to 8 digits separated by
//   '/' (as in 16/B374D848)
//
// A plain value: thread-safe as any integer.
#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace customerdb::postgres {

struct lsn {
  std::uint64_t value = 0;

  // Throws pg_error (see above).
  static lsn parse(std::string_view text);
  std::string to_string() const;

  bool valid() const noexcept { return value != 0; }
  friend constexpr auto operator<=>(lsn, lsn) noexcept = default;
};

// Writes to_string() (for Boost.Test and logs).
std::ostream& operator<<(std::ostream& out, lsn position);

}  // namespace customerdb::postgres

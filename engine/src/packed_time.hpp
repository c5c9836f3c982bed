// detail::packed_optional_time: an optional timestamp in 8 bytes, where std::optional<timestamp>
// takes 16: a row's deleted_at (rows.hpp). It reads and writes like std::optional<timestamp>.
// The one timestamp it cannot hold, the millisecond INT64_MIN (some 292 million years BC; ISO
// 8601 text cannot name it), stands for "none".
// Thread-compatible value type.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

#include "customerdb/timestamp.hpp"

namespace customerdb::detail {

class packed_optional_time {
 public:
  packed_optional_time() noexcept = default;
  packed_optional_time(std::nullopt_t) noexcept {}  // NOLINT: implicit, as std::optional's
  packed_optional_time(timestamp t) noexcept        // NOLINT
      : ms_(t.time_since_epoch().count()) {}
  packed_optional_time(const std::optional<timestamp>& t) noexcept  // NOLINT
      : ms_(t ? t->time_since_epoch().count() : none) {}

  bool has_value() const noexcept { return ms_ != none; }
  explicit operator bool() const noexcept { return has_value(); }
  // REQUIRES: has_value().
  timestamp operator*() const noexcept { return timestamp(std::chrono::milliseconds(ms_)); }
  void reset() noexcept { ms_ = none; }

  operator std::optional<timestamp>() const noexcept {  // NOLINT: implicit, for records and DTOs
    if (!has_value()) return std::nullopt;
    return **this;
  }

  friend bool operator==(const packed_optional_time&, const packed_optional_time&) = default;

 private:
  static constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min();
  std::int64_t ms_ = none;
};

}  // namespace customerdb::detail

// customerdb::timestamp: a UTC point in time with millisecond precision (decision D14).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace customerdb {

using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// The current UTC time, truncated to milliseconds.
timestamp now() noexcept;

// Formats as ISO 8601 with milliseconds and a `Z`: "2024-05-24T10:00:00.000Z".
std::string to_iso8601(timestamp t);

// Parses ISO 8601 ("2024-05-24T10:00:00.000Z", "2024-05-24T10:00:00Z", "2024-05-24",
// "2024-05-24T12:00:00+02:00"). Returns nullopt when `text` is not such a time.
std::optional<timestamp> parse_iso8601(std::string_view text) noexcept;

}  // namespace customerdb

// customerdb::persistence::table: the tables persistence keeps, numbered in the order a snapshot
// holds them. The numbers are persisted (snapshot sections, the table byte of a journal erasure):
// never renumbered or reused. Plain values: thread-safe.
#pragma once

#include <cstdint>

namespace customerdb::persistence {

enum class table : std::uint8_t { groups = 0, customers = 1, addresses = 2, memberships = 3 };
inline constexpr int table_count = 4;

}  // namespace customerdb::persistence

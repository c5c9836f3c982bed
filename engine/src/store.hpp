// The committed tables (store) and the default address ids kept with its customers.
// Thread-compatible; the engine latches it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "tables.hpp"
#include "write_set.hpp"

namespace customerdb::detail {

// The committed state. Thread-compatible; the engine latches it.
struct store : per_entity<table_for_t> {
  std::uint64_t sequence = 0;  // number of commits applied
  // The source position of the last replicated commit that carried one
  // (customer_module::apply_replicated); none for a store that never had one.
  std::optional<std::uint64_t> source_position;
};

// Recomputes the default address ids kept with customer `customer_id` (if it exists) from the
// committed addresses. REQUIRES: no reader of `s` (the exclusive latch, or `s` not shared yet).
void refresh_default_addresses(const store& s, std::string_view customer_id);
// The same for every customer, on two threads.
void refresh_all_default_addresses(const store& s);

}  // namespace customerdb::detail

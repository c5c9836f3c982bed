// pipelined_from: sets, while it lives, the fewest rows of a table that the store loader inserts
// on a thread of its own (engine/src/store_records.hpp, pipelined_load_minimum), so that a test
// can send small tables through either path. For suites built with the engine's internals
// (engine/src on their include path). Not thread-safe: set it while no store opens.
#pragma once

#include <cstdint>

#include "store_records.hpp"

namespace customerdb::testing {

class pipelined_from {
 public:
  explicit pipelined_from(std::uint64_t rows) { detail::pipelined_load_minimum = rows; }
  ~pipelined_from() { detail::pipelined_load_minimum = default_; }
  pipelined_from(const pipelined_from&) = delete;
  pipelined_from& operator=(const pipelined_from&) = delete;

 private:
  const std::uint64_t default_ = detail::pipelined_load_minimum;
};

}  // namespace customerdb::testing

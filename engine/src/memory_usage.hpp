// How much memory the process holds: the general heap, the engine's pool (pool.hpp) and the
// resident set. For customer_module::stats. Thread-safe.
#pragma once

#include <cstddef>

namespace customerdb::detail {

struct memory_usage {
  std::size_t heap_bytes;      // malloc's bytes in use, blocks it mapped on their own included
  std::size_t pool_bytes;      // the pool's chunks, all of them (blocks in use, free, reserve)
  std::size_t resident_bytes;  // the process's resident set size; 0 if it cannot be read
};

memory_usage measure_memory_usage() noexcept;

}  // namespace customerdb::detail

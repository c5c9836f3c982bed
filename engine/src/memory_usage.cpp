#include "memory_usage.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>

#include "pool.hpp"

namespace customerdb::detail {

namespace {

// The second field of /proc/self/statm (resident pages), in bytes.
std::size_t resident_set_bytes() noexcept {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  const int read = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  const long page = ::sysconf(_SC_PAGESIZE);
  return read == 2 && page > 0 ? resident * static_cast<std::size_t>(page) : 0;
}

}  // namespace

memory_usage measure_memory_usage() noexcept {
  const struct mallinfo2 heap = ::mallinfo2();
  return {.heap_bytes = heap.uordblks + heap.hblkhd,
          .pool_bytes = pool::stats().chunks_mapped * pool::chunk_bytes,
          .resident_bytes = resident_set_bytes()};
}

}  // namespace customerdb::detail

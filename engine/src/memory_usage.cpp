#include "memory_usage.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>

#include "pool.hpp"

// Under AddressSanitizer or ThreadSanitizer, malloc is the sanitizer's and mallinfo2 reports
// nothing: the sanitizer's allocator says what is in use.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CUSTOMERDB_SANITIZER_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CUSTOMERDB_SANITIZER_HEAP 1
#endif
#endif
#ifdef CUSTOMERDB_SANITIZER_HEAP
// The sanitizers' runtime has it (sanitizer/allocator_interface.h, which GCC does not ship).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

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

// Bytes in use from the general heap, blocks malloc mapped on their own included.
std::size_t heap_in_use() noexcept {
#ifdef CUSTOMERDB_SANITIZER_HEAP
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 heap = ::mallinfo2();
  return heap.uordblks + heap.hblkhd;
#endif
}

}  // namespace

memory_usage measure_memory_usage() noexcept {
  return {.heap_bytes = heap_in_use(),
          .pool_bytes = pool::stats().chunks_mapped * pool::chunk_bytes,
          .resident_bytes = resident_set_bytes()};
}

}  // namespace customerdb::detail

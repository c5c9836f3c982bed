#include "pool.hpp"

#include <sys/mman.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define CUSTOMERDB_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define CUSTOMERDB_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define CUSTOMERDB_POISON(p, n) ((void)(p), (void)(n))
#define CUSTOMERDB_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace customerdb::detail::pool {

namespace {

// Chunks are mapped eight at a time (fewer mappings, fewer system calls); the background thread
// maps more whenever fewer than `low_water` wait in the reserve.
constexpr std::size_t region_chunks = 8;
constexpr std::size_t low_water = 4;

// Maps `region_chunks` chunks with every page faulted in. The pages are written one by one,
// not populated by mmap (MAP_POPULATE): populating holds the process's memory-map lock for the
// whole region, and on a virtual machine zeroing 8 MiB of fresh pages can take 10-20 ms.
// Meanwhile other threads' mmap and mprotect calls (malloc growing its heaps) wait for the
// lock, and their page faults queue behind those: a snapshot load took 4.6-5.3 s so, 3.5 s
// without. A page fault holds the lock for one page, or not at all (Linux's per-VMA locks).
//
// The region is aligned to 2 MiB and asks for transparent huge pages (MADV_HUGEPAGE; ignored
// where the kernel has them off): each 2 MiB then costs one fault instead of 512, which on a
// virtual machine is most of what a large load spends on fresh memory (a snapshot load of
// 1,000,000 customers: docs/performance.md, "Snapshots and recovery"). Every page of a region
// is used, so huge pages add no resident memory.
char* map_region() {
  constexpr std::size_t bytes = chunk_bytes * region_chunks;
  constexpr std::size_t huge_page = std::size_t{2} << 20;
  void* p =
      mmap(nullptr, bytes + huge_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  // Keeps the aligned `bytes` of the mapping and gives the rest back.
  char* const mapped = static_cast<char*>(p);
  const auto address = reinterpret_cast<std::uintptr_t>(mapped);
  char* const start = mapped + ((huge_page - address % huge_page) % huge_page);
  if (start != mapped) munmap(mapped, static_cast<std::size_t>(start - mapped));
  if (char* const tail = start + bytes; tail != mapped + bytes + huge_page)
    munmap(tail, static_cast<std::size_t>(mapped + bytes + huge_page - tail));
  madvise(start, bytes, MADV_HUGEPAGE);
  auto* region = static_cast<volatile char*>(start);
  for (std::size_t at = 0; at < bytes; at += 4096) region[at] = 0;
  return start;
}

// Free memory from `next` to `end`.
struct span {
  char* next = nullptr;
  char* end = nullptr;
};

// Faulted-in chunks: a reserve, refilled by a background thread started with the first request.
class chunk_source {
 public:
  // A fresh chunk, or the unused end of one that a finished thread gave back.
  span take() {
    std::unique_lock lock(mu_);
    if (!leftovers_.empty()) {
      const span s = leftovers_.back();
      leftovers_.pop_back();
      return s;
    }
    start_refiller();
    if (!reserve_.empty()) {
      char* chunk = reserve_.back();
      reserve_.pop_back();
      if (reserve_.size() < low_water) wake_.notify_one();
      return {chunk, chunk + chunk_bytes};
    }
    // Demand outran the background thread (a bulk load): fault a region in here, in one call.
    ++faulted_by_caller_;
    lock.unlock();
    char* region = map_region();
    lock.lock();
    add_region(region, 1);
    return {region, region + chunk_bytes};
  }

  // Keeps the unused end of a thread's chunk for the next thread that needs one (or, when
  // there is no memory to note it in, drops it).
  void give_back(span s) noexcept {
    std::lock_guard lock(mu_);
    try {
      leftovers_.push_back(s);
    } catch (const std::bad_alloc&) {
    }
  }

  statistics stats() {
    std::lock_guard lock(mu_);
    return {mapped_, reserve_.size(), faulted_by_caller_};
  }

 private:
  void start_refiller() {
    if (refiller_started_) return;
    refiller_started_ = true;
    try {
      std::thread([this] { refill(); }).detach();
    } catch (const std::system_error&) {
      // No thread: callers fault their chunks in themselves.
    }
  }

  [[noreturn]] void refill() {
    std::unique_lock lock(mu_);
    for (;;) {
      wake_.wait(lock, [&] { return reserve_.size() < low_water; });
      lock.unlock();
      char* region = nullptr;
      try {
        region = map_region();
      } catch (const std::bad_alloc&) {
      }
      lock.lock();
      if (region)
        add_region(region, 0);
      else
        wake_.wait(lock);  // out of memory: try again when the next chunk is taken
    }
  }

  // Puts the chunks of `region` from the `first`-th on into the reserve.
  void add_region(char* region, std::size_t first) {
    mapped_ += region_chunks;
    for (std::size_t i = region_chunks; i-- > first;) reserve_.push_back(region + i * chunk_bytes);
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<char*> reserve_;
  std::vector<span> leftovers_;
  bool refiller_started_ = false;
  std::size_t mapped_ = 0;
  std::size_t faulted_by_caller_ = 0;
};

// The freed blocks of one size.
struct free_list {
  std::mutex mu;
  void* head;                  // guarded by mu
  std::atomic<bool> nonempty;  // head != nullptr, readable without the lock
};

struct state {
  chunk_source chunks;
  free_list freed[max_block / alignment];  // value-initialised: all empty
};

// Never destroyed: rows may be released by static destructors that run after this one would.
state& the_state() {
  static auto* s = new state();
  return *s;
}

// Each thread carves new blocks of every size from a chunk of its own, in the order it asks for
// them, so that the blocks of one row (the row, its index node) share pages, as a general
// allocator would place them. A thread that ends gives the rest of its chunk back (bulk loads
// and imports run on short-lived threads).
struct thread_chunk : span {
  ~thread_chunk() {
    if (static_cast<std::size_t>(end - next) >= 4096) the_state().chunks.give_back(*this);
  }
};
thread_local thread_chunk current;

constexpr std::size_t class_size(std::size_t bytes) noexcept {
  return (bytes + alignment - 1) / alignment * alignment;
}

std::atomic<failure_injector> injected_failure{nullptr};

}  // namespace

void set_failure_injector(failure_injector injector) noexcept {
  injected_failure.store(injector, std::memory_order_relaxed);
}

void* allocate(std::size_t bytes) {
  if (const auto fail = injected_failure.load(std::memory_order_relaxed); fail && fail())
    throw std::bad_alloc();
  const std::size_t size = class_size(bytes);
  auto& s = the_state();
  auto& f = s.freed[size / alignment - 1];
  if (f.nonempty.load(std::memory_order_relaxed)) {
    std::lock_guard lock(f.mu);
    if (void* block = f.head) {
      CUSTOMERDB_UNPOISON(block, size);
      f.head = *static_cast<void**>(block);
      f.nonempty.store(f.head != nullptr, std::memory_order_relaxed);
      return block;
    }
  }
  while (static_cast<std::size_t>(current.end - current.next) < size) {
    static_cast<span&>(current) = s.chunks.take();
    CUSTOMERDB_POISON(current.next, current.end - current.next);
  }
  void* block = current.next;
  current.next += size;
  CUSTOMERDB_UNPOISON(block, size);
  return block;
}

void deallocate(void* block, std::size_t bytes) noexcept {
  const std::size_t size = class_size(bytes);
  auto& f = the_state().freed[size / alignment - 1];
  std::lock_guard lock(f.mu);
  *static_cast<void**>(block) = f.head;
  f.head = block;
  f.nonempty.store(true, std::memory_order_relaxed);
  CUSTOMERDB_POISON(block, size);
}

statistics stats() { return the_state().chunks.stats(); }

}  // namespace customerdb::detail::pool

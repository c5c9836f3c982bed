// detail::pool (engine/src/pool.hpp), the memory of the tables' rows and index nodes: blocks
// that do not overlap and keep what is written to them, freed blocks reused, threads that free
// each other's blocks, threads that end handing their chunk on, and chunks that the committing
// thread finds already faulted in.
#include "pool.hpp"

#include "memory_usage.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace {

namespace pool = customerdb::detail::pool;

struct block {
  unsigned char* p;
  std::size_t size;
  unsigned char fill;
};

block take(std::size_t size, unsigned char fill) {
  auto* p = static_cast<unsigned char*>(pool::allocate(size));
  std::memset(p, fill, size);
  return {p, size, fill};
}

bool intact(const block& b) {
  for (std::size_t i = 0; i < b.size; ++i)
    if (b.p[i] != b.fill) return false;
  return true;
}

// Whether the page holding `p` is in memory (mincore), which does not touch the page.
bool resident(const void* p) {
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  unsigned char in_core = 0;
  void* start = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(p) & ~(page - 1));
  return mincore(start, page, &in_core) == 0 && (in_core & 1) != 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pool_suite)

BOOST_AUTO_TEST_CASE(blocks_are_aligned_disjoint_and_keep_their_contents) {
  std::mt19937 rng(1);
  std::vector<block> blocks;
  for (int i = 0; i < 20000; ++i) {
    const std::size_t size = 1 + rng() % pool::max_block;
    blocks.push_back(take(size, static_cast<unsigned char>(i)));
    BOOST_REQUIRE_EQUAL(reinterpret_cast<std::uintptr_t>(blocks.back().p) % pool::alignment, 0u);
  }
  // Free every other block, take as many again (reusing the freed ones), then check them all.
  for (std::size_t i = 0; i < blocks.size(); i += 2) {
    BOOST_REQUIRE(intact(blocks[i]));
    pool::deallocate(blocks[i].p, blocks[i].size);
    blocks[i] = take(blocks[i].size, static_cast<unsigned char>(~blocks[i].fill));
  }
  for (const auto& b : blocks) BOOST_REQUIRE(intact(b));
  for (const auto& b : blocks) pool::deallocate(b.p, b.size);
}

BOOST_AUTO_TEST_CASE(a_freed_block_is_reused_by_the_next_request_of_its_size) {
  void* a = pool::allocate(200);
  void* b = pool::allocate(200);
  BOOST_CHECK_NE(a, b);
  pool::deallocate(a, 200);
  BOOST_CHECK_EQUAL(pool::allocate(193), a);  // same 16-byte class: 208 bytes
  void* c = pool::allocate(209);              // the next class: not a
  BOOST_CHECK_NE(c, a);
  pool::deallocate(a, 193);
  pool::deallocate(b, 200);
  pool::deallocate(c, 209);
}

BOOST_AUTO_TEST_CASE(threads_allocate_and_free_each_others_blocks) {
  std::mutex mu;
  std::vector<block> shared;  // blocks any thread may check and free
  bool corrupt = false;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::mt19937 rng(100 + t);
      for (int i = 0; i < 20000; ++i) {
        const std::size_t size = 16 + rng() % 600;
        block mine = take(size, static_cast<unsigned char>(rng()));
        block other{};
        {
          std::lock_guard lock(mu);
          shared.push_back(mine);
          if (shared.size() > 64) {
            const std::size_t at = rng() % shared.size();
            other = shared[at];
            shared[at] = shared.back();
            shared.pop_back();
          }
        }
        if (other.p) {
          if (!intact(other)) {
            std::lock_guard lock(mu);
            corrupt = true;
          }
          pool::deallocate(other.p, other.size);
        }
      }
    });
  for (auto& t : threads) t.join();
  BOOST_CHECK(!corrupt);
  for (const auto& b : shared) {
    BOOST_CHECK(intact(b));
    pool::deallocate(b.p, b.size);
  }
}

BOOST_AUTO_TEST_CASE(threads_that_end_give_their_chunk_back) {
  // Bulk loads and imports run on short-lived threads: 100 of them, each storing 64 KiB
  // (6.4 MiB in all, about 7 chunks), must not take a 1 MiB chunk each.
  const std::size_t mapped_before = pool::stats().chunks_mapped;
  std::vector<std::vector<void*>> kept(100);
  for (auto& blocks : kept)
    std::thread([&blocks] {
      for (int i = 0; i < 64; ++i) blocks.push_back(pool::allocate(1024));
    }).join();
  BOOST_CHECK_LE(pool::stats().chunks_mapped - mapped_before, 24u);
  for (const auto& blocks : kept)
    for (void* p : blocks) pool::deallocate(p, 1024);
}

BOOST_AUTO_TEST_CASE(new_chunks_come_already_faulted_in) {
  pool::deallocate(pool::allocate(64), 64);  // starts the background thread if nothing has
  // The background thread fills the reserve (at least four chunks).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (pool::stats().chunks_reserved < 4 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  BOOST_REQUIRE_GE(pool::stats().chunks_reserved, 4u);
  const std::size_t caller_before = pool::stats().chunks_faulted_by_caller;

  // 2 MiB of new blocks (512 pages of 4 KiB): they take two chunks or more from the reserve,
  // and their pages are in memory before anything writes to them, so writing them costs no
  // page fault.
  std::vector<void*> blocks;
  std::size_t not_resident = 0;
  for (int i = 0; i < 2048; ++i) {
    auto* p = static_cast<char*>(pool::allocate(1008));
    if (!resident(p) || !resident(p + 1007)) ++not_resident;
    std::memset(p, 1, 1008);
    blocks.push_back(p);
  }
  BOOST_CHECK_EQUAL(not_resident, 0u);
  BOOST_CHECK_EQUAL(pool::stats().chunks_faulted_by_caller, caller_before);
  for (void* p : blocks) pool::deallocate(p, 1008);
}

// What the pool maps is memory the process holds for its data: measure_memory_usage, and so
// customer_module::stats, counts every chunk, the blocks handed out included.
BOOST_AUTO_TEST_CASE(memory_usage_counts_every_chunk_the_pool_maps) {
  const auto before = customerdb::detail::measure_memory_usage();
  BOOST_CHECK_EQUAL(before.pool_bytes, pool::stats().chunks_mapped * pool::chunk_bytes);
  // 24 MiB, far more than the free blocks earlier tests left: new chunks are mapped.
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < 24 * (pool::chunk_bytes / 1024); ++i)
    blocks.push_back(pool::allocate(1024));
  const auto after = customerdb::detail::measure_memory_usage();
  BOOST_CHECK_EQUAL(after.pool_bytes, pool::stats().chunks_mapped * pool::chunk_bytes);
  BOOST_CHECK_GE(after.pool_bytes - before.pool_bytes, 8 * pool::chunk_bytes);
  BOOST_CHECK_GT(after.resident_bytes, 10 * pool::chunk_bytes);  // the blocks are faulted in
  for (void* p : blocks) pool::deallocate(p, 1024);
}

BOOST_AUTO_TEST_SUITE_END()

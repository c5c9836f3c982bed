// The machine's memory latency: the time of one dependent load (a pointer chase through a
// random cyclic permutation of cache lines) over a buffer of a given size, with 4 KiB pages and
// with transparent huge pages. It is the floor under every point lookup of a store that does
// not fit in the caches: a lookup is a short chain of such loads (hash bucket, node, row).
// Then the cost of first touching fresh memory: one page fault per 4 KiB page, and the same
// pages populated in bulk (MAP_POPULATE). Every byte a growing store allocates for the first
// time pays it once.
//   build/release/customerdb_memory_latency [--mib 16,256,2048] [--loads 2000000]
#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

double chase_ns(std::size_t bytes, bool huge, int loads) {
  constexpr std::size_t line = 64;
  const std::size_t lines = bytes / line;
  void* mem = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw std::bad_alloc();
  ::madvise(mem, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  auto* base = static_cast<char*>(mem);
  std::vector<std::size_t> order(lines);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937_64(1));
  for (std::size_t i = 0; i < lines; ++i)
    *reinterpret_cast<std::size_t*>(base + order[i] * line) = order[(i + 1) % lines] * line;
  std::size_t at = order[0] * line;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < loads; ++i) at = *reinterpret_cast<volatile std::size_t*>(base + at);
  const double ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  ::munmap(mem, bytes);
  return at == SIZE_MAX ? 0 : ns / loads;
}

// Nanoseconds per 4 KiB page to first touch `bytes` of fresh anonymous memory: one write per
// page (a page fault each), or populated by the kernel at mmap (`populate`).
double first_touch_ns(std::size_t bytes, bool populate) {
  constexpr std::size_t page = 4096;
  const auto start = std::chrono::steady_clock::now();
  void* mem = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0), -1, 0);
  if (mem == MAP_FAILED) throw std::bad_alloc();
  ::madvise(mem, bytes, MADV_NOHUGEPAGE);
  auto* base = static_cast<volatile char*>(mem);
  if (!populate)
    for (std::size_t at = 0; at < bytes; at += page) base[at] = 1;
  const double ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  ::munmap(mem, bytes);
  return ns / static_cast<double>(bytes / page);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes{16, 256, 2048};
  int loads = 2'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--mib") {
      sizes.clear();
      std::string list = argv[i + 1];
      for (std::size_t p = 0; p <= list.size();) {
        const auto comma = std::min(list.find(',', p), list.size());
        sizes.push_back(std::strtoull(list.substr(p, comma - p).c_str(), nullptr, 10));
        p = comma + 1;
      }
    } else if (flag == "--loads") {
      loads = std::atoi(argv[i + 1]);
    }
  }
  fmt::print("{:>10} {:>16} {:>16}\n", "buffer", "4 KiB pages", "huge pages");
  for (const auto mib : sizes)
    fmt::print("{:>6} MiB {:>13.1f} ns {:>13.1f} ns\n", mib, chase_ns(mib << 20, false, loads),
               chase_ns(mib << 20, true, loads));
  constexpr std::size_t fresh = std::size_t{400} << 20;
  fmt::print("\nfirst touch of 400 MiB of fresh memory, per 4 KiB page:\n");
  fmt::print("  page faults {:>10.0f} ns\n", first_touch_ns(fresh, false));
  fmt::print("  MAP_POPULATE {:>9.0f} ns\n", first_touch_ns(fresh, true));
  return 0;
}

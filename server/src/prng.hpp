// A small deterministic pseudo-random generator for the fixture generator: xoshiro256** seeded
// through splitmix64, with its own mapping of integers to ranges. Unlike the distributions of
// <random>, whose output is implementation-defined, it gives the same numbers on every machine
// and with every standard library.
//
// Thread-compatible value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace customerdb::server::detail {

// One step of splitmix64: advances `state` and returns the next output.
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class prng {
 public:
  explicit constexpr prng(std::uint64_t seed) noexcept {
    for (auto& s : s_) s = splitmix64(seed);
  }

  // An independent stream for item `index` of `stream` under `seed`: the same three numbers
  // always give the same stream, so rows can be made in any order, or made again.
  static constexpr prng stream(std::uint64_t seed, std::uint64_t stream,
                               std::uint64_t index) noexcept {
    std::uint64_t s = seed;
    std::uint64_t key = splitmix64(s);
    s = key ^ stream;
    key = splitmix64(s);
    s = key ^ index;
    return prng(splitmix64(s));
  }

  // The next 64 random bits.
  constexpr std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // A uniform number in [0, n) (rejection sampling: no modulo bias). REQUIRES: n > 0.
  constexpr std::uint64_t below(std::uint64_t n) noexcept {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t x = next();
      if (x >= threshold) return x % n;
    }
  }

  // A uniform number in [lo, hi]. REQUIRES: lo <= hi < UINT64_MAX.
  constexpr std::uint64_t between(std::uint64_t lo, std::uint64_t hi) noexcept {
    return lo + below(hi - lo + 1);
  }

  // True with probability percent / 100.
  constexpr bool chance(std::uint64_t percent) noexcept { return below(100) < percent; }

  // A uniformly chosen element. REQUIRES: !items.empty().
  template <class T>
  constexpr const T& pick(std::span<const T> items) noexcept {
    return items[below(items.size())];
  }

  // An index chosen with probability weights[i] / sum(weights). REQUIRES: the sum is > 0.
  constexpr std::size_t weighted(std::span<const unsigned> weights) noexcept {
    std::uint64_t total = 0;
    for (unsigned w : weights) total += w;
    std::uint64_t x = below(total);
    std::size_t i = 0;
    while (x >= weights[i]) x -= weights[i++];
    return i;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }

  std::uint64_t s_[4]{};
};

}  // namespace customerdb::server::detail

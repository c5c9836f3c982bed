#include "ids.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace customerdb::detail {
namespace {

constexpr char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

class ulid_generator {
 public:
  // Fills `out` (26 characters) with the next ULID.
  void next(char* out) {
    std::lock_guard lock(mutex_);
    const auto now_ms =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    if (now_ms > last_ms_) {
      last_ms_ = now_ms;
      hi_ = random_() & 0xFFFF;  // 16 high bits of the 80-bit random part
      lo_ = random_();
    } else if (++lo_ == 0 && ++hi_ > 0xFFFF) {
      // The random part overflowed within one millisecond: move to the next one.
      ++last_ms_;
      hi_ = 0;
    }
    std::uint64_t t = last_ms_;
    for (int i = 9; i >= 0; --i) {
      out[i] = crockford[t & 31];
      t >>= 5;
    }
    // 80 random bits: hi_ (16) then lo_ (64), 5 bits a character.
    std::uint64_t lo = lo_;
    std::uint64_t hi = hi_;
    for (int i = 25; i >= 10; --i) {
      out[i] = crockford[lo & 31];
      lo = (lo >> 5) | (hi << 59);
      hi >>= 5;
    }
  }

 private:
  std::mutex mutex_;
  std::uint64_t last_ms_ = 0;
  std::uint64_t hi_ = 0;
  std::uint64_t lo_ = 0;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace

std::string new_id(std::string_view prefix) {
  static ulid_generator generator;
  std::string id(prefix);
  id.push_back('_');
  const auto start = id.size();
  id.resize(start + 26);
  generator.next(id.data() + start);
  return id;
}

}  // namespace customerdb::detail

// Checksums of persisted bytes: XXH3, 64 bits (libxxhash). Thread-compatible.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <string_view>

namespace customerdb::persistence {

// XXH3-64 of `data`.
inline std::uint64_t checksum(std::string_view data) noexcept {
  return XXH3_64bits(data.data(), data.size());
}

// XXH3-64 over data given in pieces: the same value as checksum() of the pieces joined.
class checksum_state {
 public:
  checksum_state() noexcept : state_(XXH3_createState()) { XXH3_64bits_reset(state_); }
  ~checksum_state() { XXH3_freeState(state_); }
  checksum_state(const checksum_state&) = delete;
  checksum_state& operator=(const checksum_state&) = delete;

  void update(std::string_view data) noexcept {
    XXH3_64bits_update(state_, data.data(), data.size());
  }
  std::uint64_t value() const noexcept { return XXH3_64bits_digest(state_); }

 private:
  XXH3_state_t* state_;
};

}  // namespace customerdb::persistence

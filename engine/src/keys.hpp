// detail::key: an index key kept inline in the index nodes.
//
// Rows live behind pointers, and most of their text (ids of 30 characters, e-mails) lives on
// the heap behind the row. An index that extracted its keys from the row would follow two or
// three pointers for every node it compares: every level of an ordered index, every node of a
// hash bucket. A key instead holds the text's hash and its first 40 bytes inline (every id the
// engine generates fits: `cusgroup_` + 26 is the longest, 35), so that comparisons stop at the
// node, and refers to the whole text only to break a tie beyond those 40 bytes (or to confirm
// equal hashes of longer text). With the view of the text, a key is 64 bytes.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>

namespace customerdb::detail {

// Thread-compatible. Refers to text it does not own: for a key in an index, the row's own
// string, which lives as long as the row; for a probe, the caller's string.
class key {
 public:
  static constexpr std::size_t inline_size = 40;
  static_assert(inline_size % sizeof(std::uint64_t) == 0, "the head compares in whole words");

  key() noexcept : key(std::string_view()) {}
  explicit key(std::string_view text) noexcept
      : hash_(std::hash<std::string_view>{}(text)), text_(text) {
    head_.fill('\0');
    if (!text.empty()) std::memcpy(head_.data(), text.data(), std::min(text.size(), inline_size));
  }

  // The whole text.
  std::string_view text() const noexcept { return text_; }
  // The same text, read from the inline copy when it fits (no access to the text's own memory).
  std::string_view view() const noexcept {
    return text_.size() <= inline_size ? std::string_view(head_.data(), text_.size()) : text_;
  }
  std::size_t hash() const noexcept { return hash_; }

  friend bool operator==(const key& a, const key& b) noexcept {
    return a.hash_ == b.hash_ && a.text_.size() == b.text_.size() && a.head_ == b.head_ &&
           (a.text_.size() <= inline_size || a.text_ == b.text_);
  }

  // The order of the texts as std::string compares them (bytes as unsigned char).
  friend bool operator<(const key& a, const key& b) noexcept {
    // Zero padding keeps the order of the heads consistent with the texts' order; equal heads
    // leave it to the lengths (both inline) or to the whole texts. The heads compare a word at
    // a time, inline: an ordered index compares keys at every level of every descent, and a
    // call to memcmp there was 7% of a snapshot load.
    for (std::size_t i = 0; i < inline_size; i += sizeof(std::uint64_t)) {
      const std::uint64_t x = a.word(i), y = b.word(i);
      if (x != y) return x < y;
    }
    if (a.text_.size() <= inline_size && b.text_.size() <= inline_size)
      return a.text_.size() < b.text_.size();
    return a.text_ < b.text_;
  }

 private:
  // The 8 bytes of the head at `offset` as a number that orders as the bytes do (big-endian).
  std::uint64_t word(std::size_t offset) const noexcept {
    std::uint64_t w;
    std::memcpy(&w, head_.data() + offset, sizeof w);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;
  }

  std::size_t hash_;
  std::array<char, inline_size> head_;
  std::string_view text_;
};

struct key_hash {
  std::size_t operator()(const key& k) const noexcept { return k.hash(); }
};

}  // namespace customerdb::detail

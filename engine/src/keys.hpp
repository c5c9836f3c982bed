// detail::key: an index key kept inline in the index nodes.
//
// Rows live behind pointers, and most of their text (ids of 30 characters, e-mails) lives on
// the heap behind the row. An index that extracted its keys from the row would follow two or
// three pointers for every node it compares: every level of an ordered index, every node of a
// hash bucket. A key instead holds the text's hash and, inline, the whole text when it has at
// most 40 bytes (every id the engine generates fits: `cusgroup_` + 26 is the longest, 35), so
// that comparisons stop at the node. Longer text keeps its first 32 bytes inline and a pointer
// to the whole text in the 8 bytes after them, and is compared whole once the 32 bytes tie: a
// stored key (key::stored, the keys of a table's elements) keeps its own copy of it, a probe
// refers to the caller's. A stored key so depends on nothing else, and an element's keys stay
// valid while its row is swapped for another with the same keys (tables.hpp, table::put). A key
// is 48 bytes: the low 32 bits of the text's hash, the size (31 bits) and whether the long text
// is the key's own, and the 40 bytes of the head. A stored key holds at most max_size bytes
// (key::stored throws std::length_error beyond); a longer probe keeps max_size + 1, which orders
// and compares exactly as the whole text does against every stored key.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string_view>

namespace customerdb::detail {

// Thread-compatible.
class key {
 public:
  static constexpr std::size_t inline_size = 40;
  // The head of a longer text, before the pointer to it.
  static constexpr std::size_t long_head_size = inline_size - sizeof(const char*);
  static constexpr std::size_t max_size = (std::size_t{1} << 31) - 2;
  static_assert(inline_size % sizeof(std::uint64_t) == 0, "the head compares in whole words");

  key() noexcept : key(std::string_view()) {}
  // A probe: text longer than the inline head is the caller's, which must outlive the key.
  explicit key(std::string_view text) noexcept : key(text, nullptr) {}
  // A key to keep: text longer than the inline head is copied.
  static key stored(std::string_view text) {
    if (text.size() > max_size) throw std::length_error("an index key of 2 GiB or more");
    if (text.size() <= inline_size) return key(text);
    char* copy = new char[text.size()];
    std::memcpy(copy, text.data(), text.size());
    return key(text, copy);
  }

  key(const key& o) : hash_(o.hash_), size_(o.size_), owned_(false), head_(o.head_) {
    if (o.owned_) adopt_copy_of(o.long_text());
  }
  key(key&& o) noexcept : hash_(o.hash_), size_(o.size_), owned_(o.owned_), head_(o.head_) {
    o.owned_ = false;
  }
  key& operator=(const key& o) {
    if (this != &o) *this = key(o);
    return *this;
  }
  key& operator=(key&& o) noexcept {
    if (this != &o) {
      release();
      hash_ = o.hash_;
      size_ = o.size_;
      owned_ = o.owned_;
      head_ = o.head_;
      o.owned_ = false;
    }
    return *this;
  }
  ~key() { release(); }

  // The whole text: the inline copy when it fits, else the long text (own or borrowed).
  std::string_view text() const noexcept {
    return is_long() ? std::string_view(long_text(), size_) : std::string_view(head_.data(), size_);
  }
  std::string_view view() const noexcept { return text(); }
  std::size_t hash() const noexcept { return hash_; }

  friend bool operator==(const key& a, const key& b) noexcept {
    if (a.hash_ != b.hash_ || a.size_ != b.size_) return false;
    if (!a.is_long()) return a.head_ == b.head_;
    return std::memcmp(a.long_text(), b.long_text(), a.size_) == 0;
  }

  // The order of the texts as std::string compares them (bytes as unsigned char).
  friend bool operator<(const key& a, const key& b) noexcept {
    // Zero padding keeps the order of the heads consistent with the texts' order; equal heads
    // leave it to the lengths (both inline) or to the whole texts. The heads compare a word at
    // a time, inline: an ordered index compares keys at every level of every descent, and a
    // call to memcmp there was 7% of a snapshot load. A long key's head holds text only up to
    // long_head_size.
    for (std::size_t i = 0; i < long_head_size; i += sizeof(std::uint64_t)) {
      const std::uint64_t x = a.word(i), y = b.word(i);
      if (x != y) return x < y;
    }
    if (a.is_long() || b.is_long()) return a.text() < b.text();
    const std::uint64_t x = a.word(long_head_size), y = b.word(long_head_size);
    if (x != y) return x < y;
    return a.size_ < b.size_;
  }

 private:
  // `copy`: the key's own copy of `text` (text longer than the head), or null to borrow it.
  key(std::string_view text, const char* copy) noexcept
      : hash_(static_cast<std::uint32_t>(std::hash<std::string_view>{}(text))),
        size_(static_cast<std::uint32_t>(std::min(text.size(), max_size + 1))),
        owned_(copy != nullptr) {
    head_.fill('\0');
    if (text.size() <= inline_size) {
      if (!text.empty()) std::memcpy(head_.data(), text.data(), text.size());
    } else {
      std::memcpy(head_.data(), text.data(), long_head_size);
      set_long_text(copy ? copy : text.data());
    }
  }

  bool is_long() const noexcept { return size_ > inline_size; }
  const char* long_text() const noexcept {
    const char* p;
    std::memcpy(&p, head_.data() + long_head_size, sizeof p);
    return p;
  }
  void set_long_text(const char* p) noexcept {
    std::memcpy(head_.data() + long_head_size, &p, sizeof p);
  }

  void adopt_copy_of(const char* text) {
    char* copy = new char[size_];
    std::memcpy(copy, text, size_);
    set_long_text(copy);
    owned_ = true;
  }
  void release() noexcept {
    if (owned_) delete[] long_text();
    owned_ = false;
  }

  // The 8 bytes of the head at `offset` as a number that orders as the bytes do (big-endian).
  std::uint64_t word(std::size_t offset) const noexcept {
    std::uint64_t w;
    std::memcpy(&w, head_.data() + offset, sizeof w);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;
  }

  std::uint32_t hash_;
  std::uint32_t size_ : 31;
  std::uint32_t owned_ : 1;  // the long text is this key's own copy
  // The text (zero-padded) up to inline_size; else its first long_head_size bytes and the
  // pointer to the whole text.
  std::array<char, inline_size> head_;
};
static_assert(sizeof(key) == 48);

// detail::hashed_key: the key of a field that only hash indexes read (a customer's e-mail and
// company name, an address's customer id), in 16 bytes: the text's hash and size, and a
// pointer to the text where its row keeps it. Hash indexes compare the hashes first, so the
// text is read only for the entry that matches, whose row the caller reads next anyway.
//
// A hashed_key refers to its row's text: whoever gives a slot another row with the same keys
// rebinds the keys to it (slot::take_row) before the old row may go. A probe refers to the
// caller's text (or key), which must outlive it. Thread-compatible.
class hashed_key {
 public:
  hashed_key() noexcept : hashed_key(std::string_view()) {}
  explicit hashed_key(std::string_view text) noexcept
      : hash_(narrow(std::hash<std::string_view>{}(text))),
        size_(static_cast<std::uint32_t>(text.size())),
        data_(text.data()) {}
  // A probe for the same text as `k` (which it borrows).
  hashed_key(const key& k) noexcept  // NOLINT: implicit, so that indexes take either probe
      : hash_(narrow(k.hash())), size_(static_cast<std::uint32_t>(k.text().size())),
        data_(k.text().data()) {}

  std::string_view text() const noexcept { return {data_, size_}; }
  std::string_view view() const noexcept { return text(); }
  std::size_t hash() const noexcept { return hash_; }

  friend bool operator==(const hashed_key& a, const hashed_key& b) noexcept {
    return a.hash_ == b.hash_ && a.text() == b.text();
  }

  // The hash both key types give a hash index (and key::hash): the low 32 bits of the text's.
  static std::uint32_t narrow(std::size_t h) noexcept { return static_cast<std::uint32_t>(h); }

 private:
  std::uint32_t hash_;
  std::uint32_t size_;
  const char* data_;
};

// The hash of either key type, as hash indexes use it (hashed_key::narrow): a probe of one
// type finds the entries of the other.
struct key_hash {
  std::size_t operator()(const key& k) const noexcept { return hashed_key::narrow(k.hash()); }
  std::size_t operator()(const hashed_key& k) const noexcept { return k.hash(); }
};

// Equality of keys of either type, for hash indexes.
struct key_equal {
  bool operator()(const key& a, const key& b) const noexcept { return a == b; }
  bool operator()(const hashed_key& a, const hashed_key& b) const noexcept { return a == b; }
  bool operator()(const key& a, const hashed_key& b) const noexcept {
    return hashed_key(a) == b;
  }
  bool operator()(const hashed_key& a, const key& b) const noexcept {
    return a == hashed_key(b);
  }
};

}  // namespace customerdb::detail

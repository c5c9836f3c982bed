// detail::packed_string and detail::packed_optional: the text columns of stored rows, in 8
// bytes each instead of the 32 of a std::string and the 40 of a std::optional<std::string>.
//
// A store keeps millions of rows, most of whose text columns are short or null: an address row
// has eleven nullable ones. Text of up to 7 bytes is kept inline; longer text lives in one
// block of the pool (pool.hpp), which rounds to 8 bytes instead of malloc's 8-byte header and
// 16-byte rounding. Together they take about a quarter off the memory of a loaded store, and so
// off the time a new process spends having that memory mapped in. A nullable column's block is
// its own (copies are deep); an id's or reference's block starts with a count of the columns
// that share it (copies share it), so that the rows that refer to a customer can hold its id's
// text once.
//
// The characters stay where they are while any object that holds them lives (the keys of a
// row's slot refer to them). Thread-compatible.
#pragma once

#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "pointer_bits.hpp"

namespace customerdb::detail {

// The storage both types share, one 64-bit word: text of up to 7 bytes inline (its bytes first,
// its size in the top byte), or a pointer to a block of text on the heap (the low 48 bits) with
// the top bit set and the size in the 15 bits between (text of 32,767 bytes or more keeps its
// size in 8 bytes of the block instead), or null.
//
// Counted = false: every object owns its block, and a copy copies the text. Counted = true: a
// block starts with a count of the objects that share it (4 bytes, changed atomically), a copy
// shares the block, and the last object to let go frees it; objects sharing a block may live
// and die on different threads. Either way the text never changes once written, and one object
// is thread-compatible.
template <bool Counted>
class basic_packed_chars {
 public:
  static constexpr std::size_t inline_capacity = 7;

  basic_packed_chars() noexcept = default;
  explicit basic_packed_chars(std::string_view s) { assign(s); }
  basic_packed_chars(const basic_packed_chars& o) { copy_from(o); }
  basic_packed_chars(basic_packed_chars&& o) noexcept : word_(o.word_) { o.word_ = null_word; }
  basic_packed_chars& operator=(const basic_packed_chars& o) {
    if (this != &o) {
      release();
      copy_from(o);
    }
    return *this;
  }
  basic_packed_chars& operator=(basic_packed_chars&& o) noexcept {
    if (this != &o) {
      release();
      word_ = o.word_;
      o.word_ = null_word;
    }
    return *this;
  }
  ~basic_packed_chars() { release(); }

  bool is_null() const noexcept { return word_ == null_word; }
  // The text; empty when null.
  std::string_view view() const noexcept {
    if (on_heap()) {
      const std::size_t n = heap_size_field();
      if (n != size_mask) return {block() + count_bytes, n};
      return long_text();
    }
    const std::size_t n = word_ >> 56;
    if (n <= inline_capacity) return {reinterpret_cast<const char*>(&word_), n};
    return {};
  }
  // Whether `o` holds the very same block (Counted: a copy of this object or of one it was
  // copied from), for tests.
  bool shares_text_with(const basic_packed_chars& o) const noexcept {
    return on_heap() && word_ == o.word_;
  }

  // Replaces the contents with `s` (not null), in a block of this object's own. Throws
  // std::bad_alloc; the contents are null then.
  void assign(std::string_view s);
  void reset() noexcept {
    release();
    word_ = null_word;
  }

 private:
  static_assert(std::endian::native == std::endian::little, "inline text comes first");
  static constexpr std::uint64_t heap_bit = std::uint64_t{1} << 63;
  static constexpr std::size_t size_mask = 0x7fff;  // the largest: the size is in the block
  static constexpr std::uint64_t null_word = std::uint64_t{0x7f} << 56;
  // A block: [count] text, or for long text [count, padding] size text.
  static constexpr std::size_t count_bytes = Counted ? sizeof(std::uint32_t) : 0;
  static constexpr std::size_t long_size_at = Counted ? sizeof(std::uint64_t) : 0;
  static constexpr std::size_t long_text_at = long_size_at + sizeof(std::uint64_t);

  bool on_heap() const noexcept { return (word_ & heap_bit) != 0; }
  // A heap text's size, or size_mask when the block holds it (long_text).
  std::size_t heap_size_field() const noexcept { return pointer_bits::high(word_) & size_mask; }
  const char* block() const noexcept { return pointer_bits::pointer<char>(word_); }
  std::string_view long_text() const noexcept {
    std::uint64_t n;
    std::memcpy(&n, block() + long_size_at, sizeof n);
    return {block() + long_text_at, static_cast<std::size_t>(n)};
  }
  std::size_t block_size() const noexcept {
    const std::size_t n = heap_size_field();
    return n == size_mask ? long_text_at + long_text().size() : count_bytes + n;
  }
  void copy_from(const basic_packed_chars& o) {
    if (o.on_heap())
      copy_block_of(o);
    else
      word_ = o.word_;
  }
  // Counted: adds one owner to the block of `o`, unless its count is so high that a copy of the
  // text is made instead (the count cannot overflow). Otherwise copies the text.
  void copy_block_of(const basic_packed_chars& o);
  void release() noexcept;

  std::uint64_t word_ = null_word;
};

using packed_chars = basic_packed_chars<false>;
using counted_packed_chars = basic_packed_chars<true>;
static_assert(sizeof(packed_chars) == 8 && sizeof(counted_packed_chars) == 8);
extern template class basic_packed_chars<false>;
extern template class basic_packed_chars<true>;

// A text column that always has a value (ids, foreign keys). Reads as a std::string_view.
// Copies share the text (counted_packed_chars): a row copied for an update keeps its id's
// block, and a reference may share the block of the id it refers to (`shares_text_with`).
class packed_string {
 public:
  packed_string() : chars_(std::string_view()) {}
  packed_string(std::string_view s) : chars_(s) {}  // NOLINT: implicit, as std::string's
  packed_string(const std::string& s) : chars_(std::string_view(s)) {}  // NOLINT
  packed_string(const char* s) : chars_(std::string_view(s)) {}         // NOLINT

  packed_string& operator=(std::string_view s) {
    chars_.assign(s);
    return *this;
  }
  packed_string& operator=(const std::string& s) { return *this = std::string_view(s); }
  packed_string& operator=(const char* s) { return *this = std::string_view(s); }

  std::string_view view() const noexcept { return chars_.view(); }
  operator std::string_view() const noexcept { return view(); }  // NOLINT: reads as one
  std::string str() const { return std::string(view()); }
  bool empty() const noexcept { return view().empty(); }
  std::size_t size() const noexcept { return view().size(); }
  const char* data() const noexcept { return view().data(); }
  bool shares_text_with(const packed_string& o) const noexcept {
    return chars_.shares_text_with(o.chars_);
  }

  friend bool operator==(const packed_string& a, const packed_string& b) noexcept {
    return a.view() == b.view();
  }
  friend bool operator==(const packed_string& a, std::string_view b) noexcept {
    return a.view() == b;
  }
  friend bool operator==(const packed_string& a, const std::string& b) noexcept {
    return a.view() == b;
  }
  friend bool operator==(const packed_string& a, const char* b) noexcept { return a.view() == b; }
  friend auto operator<=>(const packed_string& a, const packed_string& b) noexcept {
    return a.view() <=> b.view();
  }

 private:
  counted_packed_chars chars_;
};

// A nullable text column. Reads as a std::optional<std::string_view>: `if (s) use(*s)`.
class packed_optional {
 public:
  packed_optional() noexcept = default;
  packed_optional(std::nullopt_t) noexcept {}                             // NOLINT
  packed_optional(const std::optional<std::string>& s) { *this = s; }     // NOLINT
  packed_optional(std::string_view s) : chars_(s) {}                      // NOLINT
  packed_optional(const std::string& s) : chars_(std::string_view(s)) {}  // NOLINT

  packed_optional& operator=(const std::optional<std::string>& s) {
    if (s)
      chars_.assign(*s);
    else
      chars_.reset();
    return *this;
  }
  packed_optional& operator=(std::string_view s) {
    chars_.assign(s);
    return *this;
  }
  packed_optional& operator=(const std::string& s) { return *this = std::string_view(s); }
  packed_optional& operator=(std::nullopt_t) noexcept {
    chars_.reset();
    return *this;
  }

  bool has_value() const noexcept { return !chars_.is_null(); }
  explicit operator bool() const noexcept { return has_value(); }
  // The text. REQUIRES: has_value().
  std::string_view operator*() const noexcept { return chars_.view(); }
  // The text, or "" when null.
  std::string_view value_or_empty() const noexcept { return chars_.view(); }
  void reset() noexcept { chars_.reset(); }

  // A copy, as the record's column.
  std::optional<std::string> copy() const {
    if (!has_value()) return std::nullopt;
    return std::string(chars_.view());
  }

  friend bool operator==(const packed_optional& a, const packed_optional& b) noexcept {
    return a.has_value() == b.has_value() && a.chars_.view() == b.chars_.view();
  }
  friend bool operator==(const packed_optional& a, const std::optional<std::string>& b) noexcept {
    return a.has_value() == b.has_value() && (!b || a.chars_.view() == *b);
  }

 private:
  packed_chars chars_;
};

}  // namespace customerdb::detail

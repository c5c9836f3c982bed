// detail::packed_string and detail::packed_optional: the text columns of stored rows, in 16
// bytes each instead of the 32 of a std::string and the 40 of a std::optional<std::string>.
//
// A store keeps millions of rows, most of whose text columns are short or null: an address row
// has eleven nullable ones. Text of up to 15 bytes is kept inline; longer text lives in one
// block of the pool (pool.hpp), which has no per-block header and rounds to 16 bytes instead of
// malloc's 8-byte header and 16-byte rounding. Together they take about a quarter off the memory
// of a loaded store, and so off the time a new process spends having that memory mapped in.
//
// The characters stay where they are while the object does not move (the keys of a row's slot
// refer to them); copies are deep. Thread-compatible.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace customerdb::detail {

// The storage both types share: a tag in the last byte says inline (its size, 0..15), on the
// heap (pointer and 32-bit size in the first 12 bytes), or null.
class packed_chars {
 public:
  static constexpr std::size_t inline_capacity = 15;

  packed_chars() noexcept { set_null(); }
  explicit packed_chars(std::string_view s) {
    set_null();  // nothing to release
    assign(s);
  }
  packed_chars(const packed_chars& o) { copy_from(o); }
  packed_chars(packed_chars&& o) noexcept {
    std::memcpy(bytes_, o.bytes_, sizeof bytes_);
    o.set_null();
  }
  packed_chars& operator=(const packed_chars& o) {
    if (this != &o) {
      release();
      copy_from(o);
    }
    return *this;
  }
  packed_chars& operator=(packed_chars&& o) noexcept {
    if (this != &o) {
      release();
      std::memcpy(bytes_, o.bytes_, sizeof bytes_);
      o.set_null();
    }
    return *this;
  }
  ~packed_chars() { release(); }

  bool is_null() const noexcept { return tag() == null_tag; }
  // The text; empty when null.
  std::string_view view() const noexcept {
    const unsigned char t = tag();
    if (t <= inline_capacity) return {reinterpret_cast<const char*>(bytes_), t};
    if (t == heap_tag) return {heap_data(), heap_size()};
    return {};
  }

  // Replaces the contents with `s` (not null). Throws std::bad_alloc, std::length_error (text
  // of 4 GiB or more); the contents are null then.
  void assign(std::string_view s);
  void reset() noexcept {
    release();
    set_null();
  }

 private:
  static constexpr unsigned char heap_tag = 0xFE;
  static constexpr unsigned char null_tag = 0xFF;

  unsigned char tag() const noexcept { return bytes_[15]; }
  void set_null() noexcept { bytes_[15] = null_tag; }
  const char* heap_data() const noexcept {
    const char* p;
    std::memcpy(&p, bytes_, sizeof p);
    return p;
  }
  std::uint32_t heap_size() const noexcept {
    std::uint32_t n;
    std::memcpy(&n, bytes_ + 8, sizeof n);
    return n;
  }
  void copy_from(const packed_chars& o) {
    if (o.tag() == heap_tag) {
      set_null();  // until the copy is made: assign can throw
      assign(o.view());
    } else {
      std::memcpy(bytes_, o.bytes_, sizeof bytes_);
    }
  }
  void release() noexcept;

  alignas(8) unsigned char bytes_[16];
};

// A text column that always has a value (ids, foreign keys). Reads as a std::string_view.
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
  packed_chars chars_;
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

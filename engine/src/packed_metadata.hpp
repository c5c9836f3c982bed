// detail::packed_metadata: the `metadata` column of stored rows, in 8 bytes instead of the 32
// of a std::optional<customerdb::metadata>.
//
// Most rows have no metadata; a row that has it keeps the object on the heap behind one
// pointer. Reads as a std::optional<metadata>: `if (m) use(*m)`. Copies are deep. Assigning
// throws what copying the object throws (std::bad_alloc) and leaves the column as it was.
// Thread-compatible.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "customerdb/dto.hpp"

namespace customerdb::detail {

class packed_metadata {
 public:
  packed_metadata() noexcept = default;
  packed_metadata(std::nullopt_t) noexcept {}  // NOLINT: implicit, as std::optional's
  packed_metadata(const std::optional<metadata>& m) { *this = m; }  // NOLINT
  packed_metadata(const packed_metadata& o) : object_(o ? std::make_unique<metadata>(*o) : nullptr) {}
  packed_metadata(packed_metadata&&) noexcept = default;
  packed_metadata& operator=(const packed_metadata& o) {
    if (this != &o) object_ = o ? std::make_unique<metadata>(*o) : nullptr;
    return *this;
  }
  packed_metadata& operator=(packed_metadata&&) noexcept = default;
  packed_metadata& operator=(const std::optional<metadata>& m) {
    object_ = m ? std::make_unique<metadata>(*m) : nullptr;
    return *this;
  }
  packed_metadata& operator=(metadata&& m) {
    object_ = std::make_unique<metadata>(std::move(m));
    return *this;
  }
  packed_metadata& operator=(std::nullopt_t) noexcept {
    object_.reset();
    return *this;
  }

  bool has_value() const noexcept { return object_ != nullptr; }
  explicit operator bool() const noexcept { return has_value(); }
  // The object. REQUIRES: has_value().
  const metadata& operator*() const noexcept { return *object_; }
  const metadata* operator->() const noexcept { return object_.get(); }
  void reset() noexcept { object_.reset(); }

  // A copy, as the record's column.
  std::optional<metadata> copy() const {
    if (!object_) return std::nullopt;
    return *object_;
  }

  friend bool operator==(const packed_metadata& a, const packed_metadata& b) noexcept {
    return a.has_value() == b.has_value() && (!a || *a == *b);
  }
  friend bool operator==(const packed_metadata& a, const std::optional<metadata>& b) noexcept {
    return a.has_value() == b.has_value() && (!b || *a == *b);
  }

 private:
  std::unique_ptr<const metadata> object_;
};

}  // namespace customerdb::detail

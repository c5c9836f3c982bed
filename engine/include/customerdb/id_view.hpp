// customerdb::id_view: the id argument of a single-entity call.
//
// It converts from any string and keeps apart an id that was not given at all (a null
// `const char*`, `nullptr` or `std::nullopt`), for which Medusa answers
// "customer - id must be defined", from an empty id "", which is simply not found.
// Unlike std::string_view it has no (first, last) constructor, so a braced list of ids,
// `update({"cus_a", "cus_b"}, ...)`, picks the list overload.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace customerdb {

// Thread-compatible; refers to characters it does not own (like std::string_view).
class id_view {
 public:
  constexpr id_view(const char* id) noexcept : defined_(id != nullptr), id_(id ? id : "") {}
  constexpr id_view(std::string_view id) noexcept : defined_(true), id_(id) {}
  id_view(const std::string& id) noexcept : defined_(true), id_(id) {}
  constexpr id_view(std::nullptr_t) noexcept : defined_(false) {}
  constexpr id_view(std::nullopt_t) noexcept : defined_(false) {}

  // False when no id was given at all.
  constexpr bool defined() const noexcept { return defined_; }
  // The id; empty when !defined().
  constexpr std::string_view value() const noexcept { return id_; }

 private:
  bool defined_;
  std::string_view id_;
};

}  // namespace customerdb

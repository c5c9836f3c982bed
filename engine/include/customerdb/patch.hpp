// customerdb::patch<T>: one field of an update, which either leaves the field as it is
// (the default), sets it to null, or sets it to a value.
//
//   module.update(id, {.first_name = "Jane", .phone = customerdb::null});
//
// leaves every field but first_name and phone untouched, sets first_name to "Jane" and clears
// phone. Setting a non-nullable field (has_account, the address flags, an address's
// customer_id) to null is rejected by the engine with invalid_data.
#pragma once

#include <concepts>
#include <optional>
#include <type_traits>
#include <utility>

namespace customerdb {

// The type of `customerdb::null`, the "set to null" value of a patch.
struct null_t {
  explicit constexpr null_t(int) {}
};
inline constexpr null_t null{0};

// Thread-compatible value type.
template <class T>
class patch {
 public:
  // Leaves the field untouched.
  constexpr patch() = default;
  // Sets the field to null.
  constexpr patch(null_t) : is_null_(true) {}
  // Sets the field to `v`.
  template <class U = T>
  requires std::constructible_from<T, U&&> &&(!std::same_as<std::remove_cvref_t<U>, patch>)&&(
      !std::same_as<std::remove_cvref_t<U>, null_t>)constexpr patch(U&& v)
      : value_(std::forward<U>(v)) {}

  // True when the field is left as it is.
  constexpr bool is_unset() const noexcept { return !is_null_ && !value_; }
  // True when the field is set to null.
  constexpr bool is_null() const noexcept { return is_null_; }
  // True when the field is set to a value.
  constexpr bool has_value() const noexcept { return value_.has_value(); }
  // REQUIRES: has_value().
  constexpr const T& value() const { return *value_; }
  // The new value of the field: nullopt for null. REQUIRES: !is_unset().
  constexpr const std::optional<T>& as_optional() const noexcept { return value_; }

  friend constexpr bool operator==(const patch&, const patch&) = default;

 private:
  std::optional<T> value_;
  bool is_null_ = false;
};

}  // namespace customerdb

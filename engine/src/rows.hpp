// The stored rows: immutable values shared through row_ptr. A write never changes a row in
// place; it builds a new row and swaps the pointer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "customerdb/dto.hpp"
#include "customerdb/timestamp.hpp"

namespace customerdb::detail {

using opt_string = std::optional<std::string>;
using opt_metadata = std::optional<customerdb::metadata>;

template <class Row>
using row_ptr = std::shared_ptr<const Row>;

enum class entity { customer, group, address, membership };

struct customer_row {
  std::string id;
  opt_string company_name;
  opt_string first_name;
  opt_string last_name;
  opt_string email;
  opt_string phone;
  bool has_account = false;
  opt_metadata metadata;
  opt_string created_by;
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> deleted_at;
  // The commit sequence that published this image (0 until published).
  std::uint64_t version = 0;
};

struct group_row {
  std::string id;
  opt_string name;
  opt_metadata metadata;
  opt_string created_by;
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> deleted_at;
  // The commit sequence that published this image (0 until published).
  std::uint64_t version = 0;
};

struct address_row {
  std::string id;
  std::string customer_id;
  opt_string address_name;
  bool is_default_shipping = false;
  bool is_default_billing = false;
  opt_string company;
  opt_string first_name;
  opt_string last_name;
  opt_string address_1;
  opt_string address_2;
  opt_string city;
  opt_string country_code;
  opt_string province;
  opt_string postal_code;
  opt_string phone;
  opt_metadata metadata;
  timestamp created_at{};
  timestamp updated_at{};
  // The commit sequence that published this image (0 until published).
  std::uint64_t version = 0;
};

struct membership_row {
  std::string id;
  std::string customer_id;
  std::string customer_group_id;
  opt_metadata metadata;
  opt_string created_by;
  timestamp created_at{};
  timestamp updated_at{};
  // The commit sequence that published this image (0 until published).
  std::uint64_t version = 0;
};

template <class Row>
constexpr entity entity_of();

// Whether a row is hidden from reads that do not ask for deleted rows.
inline bool is_deleted(const customer_row& r) noexcept { return r.deleted_at.has_value(); }
inline bool is_deleted(const group_row& r) noexcept { return r.deleted_at.has_value(); }
inline bool is_deleted(const address_row&) noexcept { return false; }
inline bool is_deleted(const membership_row&) noexcept { return false; }

template <>
constexpr entity entity_of<customer_row>() {
  return entity::customer;
}
template <>
constexpr entity entity_of<group_row>() {
  return entity::group;
}
template <>
constexpr entity entity_of<address_row>() {
  return entity::address;
}
template <>
constexpr entity entity_of<membership_row>() {
  return entity::membership;
}

}  // namespace customerdb::detail

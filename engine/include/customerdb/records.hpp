// customerdb records: the stored rows of each table as plain values, every column included
// (ids, timestamps, soft deletion). They are what import and export move (the JSON Lines
// fixtures of the `customerdb` program) and what persistence archives. Plain values:
// thread-compatible.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "customerdb/dto.hpp"
#include "customerdb/timestamp.hpp"

namespace customerdb {

struct customer_record {
  std::string id{};
  std::optional<std::string> company_name{};
  std::optional<std::string> first_name{};
  std::optional<std::string> last_name{};
  std::optional<std::string> email{};
  std::optional<std::string> phone{};
  bool has_account = false;
  std::optional<customerdb::metadata> metadata{};
  std::optional<std::string> created_by{};
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> deleted_at{};

  friend bool operator==(const customer_record&, const customer_record&) = default;
};

struct customer_group_record {
  std::string id{};
  std::optional<std::string> name{};
  std::optional<customerdb::metadata> metadata{};
  std::optional<std::string> created_by{};
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> deleted_at{};

  friend bool operator==(const customer_group_record&, const customer_group_record&) = default;
};

struct customer_address_record {
  std::string id{};
  std::string customer_id{};
  std::optional<std::string> address_name{};
  bool is_default_shipping = false;
  bool is_default_billing = false;
  std::optional<std::string> company{};
  std::optional<std::string> first_name{};
  std::optional<std::string> last_name{};
  std::optional<std::string> address_1{};
  std::optional<std::string> address_2{};
  std::optional<std::string> city{};
  std::optional<std::string> country_code{};
  std::optional<std::string> province{};
  std::optional<std::string> postal_code{};
  std::optional<std::string> phone{};
  std::optional<customerdb::metadata> metadata{};
  timestamp created_at{};
  timestamp updated_at{};

  friend bool operator==(const customer_address_record&, const customer_address_record&) = default;
};

struct customer_group_customer_record {
  std::string id{};
  std::string customer_id{};
  std::string customer_group_id{};
  std::optional<customerdb::metadata> metadata{};
  std::optional<std::string> created_by{};
  timestamp created_at{};
  timestamp updated_at{};

  friend bool operator==(const customer_group_customer_record&,
                         const customer_group_customer_record&) = default;
};

using record = std::variant<customer_group_record, customer_record, customer_address_record,
                            customer_group_customer_record>;

// Rows of every table.
struct record_set {
  std::vector<customer_group_record> customer_groups{};
  std::vector<customer_record> customers{};
  std::vector<customer_address_record> customer_addresses{};
  std::vector<customer_group_customer_record> customer_group_customers{};
};

// Called once per exported row.
using record_visitor = std::function<void(const record&)>;

}  // namespace customerdb

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

#include "customerdb/columns.hpp"
#include "customerdb/dto.hpp"
#include "customerdb/timestamp.hpp"

namespace customerdb {

// Each record holds every stored column of its entity (columns.hpp), in declaration order.
#define CUSTOMERDB_RECORD(type, columns_type, list)     \
  struct type {                                         \
    using columns = columns_type;                       \
    list(CUSTOMERDB_RECORD_MEMBER)                      \
                                                        \
        friend bool                                     \
        operator==(const type&, const type&) = default; \
  };

CUSTOMERDB_RECORD(customer_record, customer_columns, CUSTOMERDB_CUSTOMER_COLUMNS)
CUSTOMERDB_RECORD(customer_group_record, customer_group_columns, CUSTOMERDB_GROUP_COLUMNS)
CUSTOMERDB_RECORD(customer_address_record, customer_address_columns, CUSTOMERDB_ADDRESS_COLUMNS)
CUSTOMERDB_RECORD(customer_group_customer_record, customer_group_customer_columns,
                  CUSTOMERDB_MEMBERSHIP_COLUMNS)

#undef CUSTOMERDB_RECORD

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

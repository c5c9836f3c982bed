// What the transaction suites share: a module on a manual clock with helpers that list every row
// of each kind in a context (transaction_fixture), a snapshot of the committed state with
// CHECK_SAME_STATE, and the messages of the transaction errors. Includes the engine and the
// suites' check.hpp and helpers.hpp.
#pragma once

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace customerdb::testing {

using dto = create_customer_dto;
using customer_list = std::vector<create_customer_dto>;
using address_list = std::vector<create_customer_address_dto>;
using steady = std::chrono::steady_clock;

inline constexpr const char* no_longer_active = "Transaction is no longer active";
inline constexpr const char* expired = "Transaction has expired";

inline std::string conflict_message(const std::string& model, const std::string& id) {
  return "Transaction conflict: " + model + " with id: " + id +
         " was changed by another transaction";
}

inline std::string not_found_message(const std::string& model, const std::string& id) {
  return model + " with id: " + id + " was not found";
}

// Every row of each kind, in id order (soft-deleted ones too where asked).
inline const find_config all{.take = customerdb::null};
inline const find_config all_with_deleted{.take = customerdb::null, .with_deleted = true};

struct transaction_fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};

  std::vector<std::string> customers(const context& ctx = {}) {
    return ids_of(m.list({}, all, ctx));
  }
  std::vector<std::string> customers_with_deleted(const context& ctx = {}) {
    return ids_of(m.list({}, all_with_deleted, ctx));
  }
  std::vector<std::string> groups(const context& ctx = {}) {
    return ids_of(m.list_customer_groups({}, all, ctx));
  }
  std::vector<std::string> addresses(const context& ctx = {}) {
    return ids_of(m.list_addresses({}, all, ctx));
  }
  std::vector<std::string> memberships(const context& ctx = {}) {
    return ids_of(m.list_customer_group_customers({}, all, ctx));
  }
  std::size_t customer_count(const context& ctx = {}) {
    return m.list_and_count({}, {}, ctx).second;
  }
  std::size_t group_count(const context& ctx = {}) {
    return m.list_and_count_customer_groups({}, {}, ctx).second;
  }
  std::size_t address_count(const context& ctx = {}) {
    return m.list_and_count_addresses({}, {}, ctx).second;
  }

  // A snapshot of everything the committed state holds, for "nothing changed" checks.
  struct snapshot {
    std::vector<std::string> customers, groups, addresses, memberships;
    std::vector<std::optional<std::string>> first_names;
    bool operator==(const snapshot&) const = default;
  };
  snapshot state(const context& ctx = {}) {
    snapshot s{customers_with_deleted(ctx),
               ids_of(m.list_customer_groups({}, all_with_deleted, ctx)),
               addresses(ctx),
               memberships(ctx),
               {}};
    for (const auto& c : m.list({}, all_with_deleted, ctx)) s.first_names.push_back(c.first_name);
    return s;
  }
};

// Checks the snapshot equality with a readable message.
#define CHECK_SAME_STATE(a, b)                                                     \
  do {                                                                             \
    const auto& sa_ = (a);                                                         \
    const auto& sb_ = (b);                                                         \
    BOOST_TEST(sa_.customers == sb_.customers);                                    \
    BOOST_TEST(sa_.groups == sb_.groups);                                          \
    BOOST_TEST(sa_.addresses == sb_.addresses);                                    \
    BOOST_TEST(sa_.memberships == sb_.memberships);                                \
    BOOST_CHECK_MESSAGE(sa_.first_names == sb_.first_names, "first names differ"); \
  } while (false)


}  // namespace customerdb::testing

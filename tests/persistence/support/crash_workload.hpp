// The crash test's workload, shared by the child that runs it and the parent's model: commit k
// is a deterministic function of k (given ids, a clock set from k), so that the parent can
// rebuild the exact store after any number of commits.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "customerdb/customerdb.hpp"

namespace customerdb::testing::crash {

// The clock of both sides: set before each commit.
struct clock_source {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(0);
  std::function<timestamp()> function() const {
    auto p = ms;
    return [p] { return timestamp(std::chrono::milliseconds(p->load())); };
  }
};

inline std::string customer_id(int k) { return fmt::format("cus_{:08}", k); }

// Runs commit k against `m`. Commit 0 creates three groups and imports 60 customers that stay;
// then, in turn: a customer with two addresses joining a group (one transaction), an update of
// that customer, and the deletion of the customer made 30 commits earlier.
inline void run_commit(customer_module& m, const clock_source& clock, int k) {
  *clock.ms = 1'700'000'000'000 + k;
  if (k == 0) {
    record_set rs;
    for (int g = 0; g < 3; ++g)
      rs.customer_groups.push_back(
          {.id = fmt::format("cusgroup_{}", g), .name = fmt::format("G{}", g)});
    for (int i = 0; i < 60; ++i) {
      rs.customers.push_back({.id = fmt::format("cus_seed{:04}", i),
                              .email = fmt::format("seed{}@x.y", i),
                              .metadata = metadata{{"seed", i}}});
      rs.customer_addresses.push_back({.id = fmt::format("cuaddr_seed{:04}", i),
                                       .customer_id = fmt::format("cus_seed{:04}", i),
                                       .city = "Lyon"});
    }
    m.import_records(rs);
    return;
  }
  switch (k % 3) {
    case 1: {
      auto tx = m.begin_transaction();
      m.create(
          create_customer_dto{
              .id = customer_id(k),
              .email = fmt::format("c{}@x.y", k),
              .addresses = {{{.id = fmt::format("cuaddr_{:08}a", k), .is_default_shipping = true},
                             {.id = fmt::format("cuaddr_{:08}b", k), .is_default_billing = true}}}},
          tx);
      m.add_customer_to_group(
          {.customer_id = customer_id(k), .customer_group_id = fmt::format("cusgroup_{}", k % 3)},
          tx);
      m.commit(tx);
      break;
    }
    case 2:
      m.update(customer_id(k - 1),
               {.first_name = fmt::format("u{}", k), .metadata = metadata{{"k", k}}});
      break;
    default:
      m.delete_customers(customer_id(k - 32));  // nothing when k - 32 was not a creation
      break;
  }
}

}  // namespace customerdb::testing::crash

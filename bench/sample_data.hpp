// Sample values that the benchmarks build their stores from, and the store most of them build.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstddef>
#include <customerdb/records.hpp>
#include <customerdb/timestamp.hpp>
#include <string>
#include <string_view>

namespace customerdb::bench {

inline constexpr const char* first_names[] = {"John", "Jane", "Maria",  "Ahmed",
                                              "Li",   "Olga", "Pierre", "Aiko"};
inline constexpr const char* last_names[] = {"Smith", "Jensen",  "Garcia", "Khan",
                                             "Wang",  "Ivanova", "Dubois", "Sato"};
inline constexpr const char* cities[] = {"Copenhagen", "Berlin", "Madrid", "Lahore",
                                         "Shanghai",   "Moscow", "Paris",  "Osaka"};

// "<prefix>_01HZX" and 21 digits: 26 characters after the prefix, as the engine's ids.
inline std::string sample_id(std::string_view prefix, std::size_t i) {
  return fmt::format("{}_01HZX{:021}", prefix, i);
}

// N customers (ids sample_id("cus", i), in id order) with two addresses each (the first the
// default shipping and billing address), 100 groups and one membership per customer (customer i
// in group i % 100). Customer i is "customer<i>@example.com" of "Company <i % companies>",
// created and updated at t0 + i / 100 milliseconds; the groups at t0.
inline customerdb::record_set sample_records(std::size_t n, customerdb::timestamp t0,
                                             std::size_t companies) {
  customerdb::record_set rs;
  for (std::size_t g = 0; g < 100; ++g)
    rs.customer_groups.push_back({.id = sample_id("cusgroup", g),
                                  .name = fmt::format("group-{:03}", g),
                                  .created_at = t0,
                                  .updated_at = t0});
  rs.customers.reserve(n);
  rs.customer_addresses.reserve(2 * n);
  rs.customer_group_customers.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto t = t0 + std::chrono::milliseconds(i / 100);
    const auto cid = sample_id("cus", i);
    rs.customers.push_back({.id = cid,
                            .email = fmt::format("customer{}@example.com", i),
                            .first_name = first_names[i % 8],
                            .last_name = last_names[(i / 8) % 8],
                            .company_name = fmt::format("Company {}", i % companies),
                            .phone = fmt::format("+45 {:08}", i),
                            .created_at = t,
                            .updated_at = t});
    rs.customer_addresses.push_back({.id = sample_id("cuaddr", 2 * i),
                                     .customer_id = cid,
                                     .is_default_shipping = true,
                                     .is_default_billing = true,
                                     .address_1 = fmt::format("{} Main Street", i % 997),
                                     .city = cities[i % 8],
                                     .country_code = "DK",
                                     .postal_code = fmt::format("{:04}", i % 9999),
                                     .created_at = t,
                                     .updated_at = t});
    rs.customer_addresses.push_back({.id = sample_id("cuaddr", 2 * i + 1),
                                     .customer_id = cid,
                                     .address_1 = fmt::format("{} Side Road", i % 991),
                                     .city = cities[(i + 3) % 8],
                                     .country_code = "DE",
                                     .created_at = t,
                                     .updated_at = t});
    rs.customer_group_customers.push_back({.id = sample_id("cusgc", i),
                                           .customer_id = cid,
                                           .customer_group_id = sample_id("cusgroup", i % 100),
                                           .created_at = t,
                                           .updated_at = t});
  }
  return rs;
}

}  // namespace customerdb::bench

// The deterministic data set (data_set.hpp).
#include "data_set.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "../sample_data.hpp"

namespace customerdb::peers {

namespace {

// "<prefix>_01HZX" and 21 digits: 26 characters after the prefix, as the engine's ids.
std::string id(std::string_view prefix, std::size_t i) {
  return fmt::format("{}_01HZX{:021}", prefix, i);
}

// A fixed clock: 2026-01-01T00:00:00Z.
const customerdb::timestamp t0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}};

}  // namespace

data_set::data_set(std::size_t n) : companies_(std::max<std::size_t>(1, n / 20)) {
  using customerdb::bench::cities;
  using customerdb::bench::first_names;
  using customerdb::bench::last_names;
  for (std::size_t g = 0; g < 100; ++g)
    records_.customer_groups.push_back({.id = id("cusgroup", g),
                                        .name = fmt::format("group-{:03}", g),
                                        .created_at = t0,
                                        .updated_at = t0});
  records_.customers.reserve(n);
  records_.customer_addresses.reserve(2 * n);
  records_.customer_group_customers.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto t = t0 + std::chrono::milliseconds(i / 100);
    const auto cid = id("cus", i);
    records_.customers.push_back({.id = cid,
                                  .email = fmt::format("customer{}@example.com", i),
                                  .first_name = first_names[i % 8],
                                  .last_name = last_names[(i / 8) % 8],
                                  .company_name = fmt::format("Company {}", i % companies_),
                                  .phone = fmt::format("+45 {:08}", i),
                                  .created_at = t,
                                  .updated_at = t});
    records_.customer_addresses.push_back({.id = id("cuaddr", 2 * i),
                                           .customer_id = cid,
                                           .is_default_shipping = true,
                                           .is_default_billing = true,
                                           .address_1 = fmt::format("{} Main Street", i % 997),
                                           .city = cities[i % 8],
                                           .country_code = "DK",
                                           .postal_code = fmt::format("{:04}", i % 9999),
                                           .created_at = t,
                                           .updated_at = t});
    records_.customer_addresses.push_back({.id = id("cuaddr", 2 * i + 1),
                                           .customer_id = cid,
                                           .address_1 = fmt::format("{} Side Road", i % 991),
                                           .city = cities[(i + 3) % 8],
                                           .country_code = "DE",
                                           .created_at = t,
                                           .updated_at = t});
    records_.customer_group_customers.push_back({.id = id("cusgc", i),
                                                 .customer_id = cid,
                                                 .customer_group_id = id("cusgroup", i % 100),
                                                 .created_at = t,
                                                 .updated_at = t});
  }
  std::mt19937_64 rng(42);
  const std::size_t keys = std::min<std::size_t>(100'000, std::max<std::size_t>(n, 1));
  for (std::size_t k = 0; k < keys && n > 0; ++k) {
    const auto& c = records_.customers[rng() % n];
    id_keys_.push_back(c.id);
    email_keys_.push_back(*c.email);
  }
}

std::string data_set::company(std::size_t call) const {
  return fmt::format("Company {}", (call * 7919) % companies_);
}

std::size_t data_set::deep_skip() const noexcept {
  return std::min<std::size_t>(150'000, customers() / 2);
}

new_customer data_set::new_customer_for(char kind, std::size_t seq) {
  return {.id = fmt::format("cus_01J{}{:022}", kind, seq),
          .email = fmt::format("new-{}-{}@example.com", kind, seq),
          .first_name = "New",
          .at = t0 + std::chrono::hours(24)};
}

}  // namespace customerdb::peers

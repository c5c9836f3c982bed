// The deterministic data set (data_set.hpp).
#include "data_set.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "../sample_data.hpp"

namespace customerdb::peers {

namespace {

// A fixed clock: 2026-01-01T00:00:00Z.
const customerdb::timestamp t0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}};

}  // namespace

data_set::data_set(std::size_t n) : companies_(std::max<std::size_t>(1, n / 20)) {
  records_ = customerdb::bench::sample_records(n, t0, companies_);
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

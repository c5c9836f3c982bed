// What the stress test's readers check on what one call returns (memberships and addresses
// refer to rows that exist, e-mails are unique, default address ids and counts agree), and the
// failures any thread records for the main thread to report (Boost.Test's assertions are not
// thread-safe). Thread-safe: failures locks; the checks read through the module.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace customerdb::testing::stress {

inline const find_config all{.take = customerdb::null};
inline const find_config all_with_deleted{.take = customerdb::null, .with_deleted = true};

// Failures seen on any thread; checked on the main thread.
class failures {
 public:
  void add(std::string what) {
    std::lock_guard lock(mutex_);
    ++count_;
    if (items_.size() < 40) items_.push_back(std::move(what));
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }
  std::string summary() const {
    std::lock_guard lock(mutex_);
    std::string s;
    for (const auto& i : items_) s += "\n  " + i;
    return s;
  }

 private:
  mutable std::mutex mutex_;
  std::size_t count_ = 0;
  std::vector<std::string> items_;
};

inline std::int64_t counter_value(const customer& c) {
  if (!c.metadata) return -1;
  const auto it = c.metadata->find("n");
  if (it == c.metadata->end() || !it->value().is_int64()) return -1;
  return it->value().get_int64();
}

// ---- invariants on what one call returns --------------------------------------------------

// Every membership's customer and group exist (loaded as relations in the same call).
inline void check_memberships(const customer_module& m, const context& ctx, failures& f) {
  const auto rows = m.list_customer_group_customers(
      {},
      {.relations = {"customer", "customer_group"}, .take = customerdb::null, .with_deleted = true},
      ctx);
  std::set<std::pair<std::string, std::string>> pairs;
  for (const auto& r : rows) {
    if (!r.customer || r.customer->id != r.customer_id)
      f.add("membership " + r.id + " refers to a missing customer " + r.customer_id);
    if (!r.customer_group || r.customer_group->id != r.customer_group_id)
      f.add("membership " + r.id + " refers to a missing group " + r.customer_group_id);
    if (!pairs.emplace(r.customer_id, r.customer_group_id).second)
      f.add("two memberships for the pair " + r.customer_id + ", " + r.customer_group_id);
  }
}

// Every address's customer exists.
inline void check_addresses(const customer_module& m, const context& ctx, failures& f) {
  const auto rows = m.list_addresses(
      {}, {.relations = {"customer"}, .take = customerdb::null, .with_deleted = true}, ctx);
  for (const auto& a : rows)
    if (!a.customer || a.customer->id != a.customer_id)
      f.add("address " + a.id + " refers to a missing customer " + a.customer_id);
}

// No two live customers share (email, has_account); list_and_count counts what list returns.
inline void check_unique_emails(const customer_module& m, const context& ctx, failures& f) {
  const auto [rows, count] = m.list_and_count({}, all, ctx);
  if (count != rows.size())
    f.add("list_and_count: count " + std::to_string(count) + " != " + std::to_string(rows.size()));
  std::set<std::pair<std::string, bool>> seen;
  for (const auto& c : rows) {
    if (c.deleted_at) f.add("a live list returned soft-deleted customer " + c.id);
    if (c.email && !seen.emplace(*c.email, c.has_account).second)
      f.add("two live customers with email " + *c.email);
  }
}

// At most one default shipping / billing address per customer, and the derived ids match.
inline void check_default_addresses(const customer_module& m, const context& ctx, failures& f) {
  const auto rows =
      m.list({}, {.relations = {"addresses"}, .take = customerdb::null, .with_deleted = true}, ctx);
  for (const auto& c : rows) {
    if (!c.addresses) {
      f.add("customer " + c.id + " without loaded addresses");
      continue;
    }
    std::optional<std::string> shipping, billing;
    int shipping_count = 0, billing_count = 0;
    for (const auto& a : *c.addresses) {
      if (a.customer_id != c.id) f.add("address " + a.id + " listed under another customer");
      if (a.is_default_shipping) ++shipping_count, shipping = a.id;
      if (a.is_default_billing) ++billing_count, billing = a.id;
    }
    if (shipping_count > 1) f.add("customer " + c.id + " has two default shipping addresses");
    if (billing_count > 1) f.add("customer " + c.id + " has two default billing addresses");
    if (c.default_shipping_address_id != shipping)
      f.add("customer " + c.id + ": default_shipping_address_id " +
            show(c.default_shipping_address_id) + " != " + show(shipping));
    if (c.default_billing_address_id != billing)
      f.add("customer " + c.id + ": default_billing_address_id " +
            show(c.default_billing_address_id) + " != " + show(billing));
  }
}

// Counts agree with the rows: with take null, with the default take, with a filter.
inline void check_counts(const customer_module& m, const context& ctx, failures& f) {
  {
    const auto [rows, count] = m.list_and_count({}, {}, ctx);
    if (rows.size() != std::min<std::size_t>(count, 15))
      f.add("default page of " + std::to_string(rows.size()) + " for count " +
            std::to_string(count));
  }
  {
    const auto [rows, count] =
        m.list_and_count(where("has_account") == true, all_with_deleted, ctx);
    if (rows.size() != count) f.add("has_account count mismatch");
    for (const auto& c : rows)
      if (!c.has_account) f.add("filter has_account returned " + c.id);
  }
  {
    const auto [rows, count] = m.list_and_count_addresses({}, all, ctx);
    if (rows.size() != count) f.add("address count mismatch");
  }
  {
    const auto [rows, count] = m.list_and_count_customer_groups({}, all_with_deleted, ctx);
    if (rows.size() != count) f.add("group count mismatch");
  }
}

inline void check_all(const customer_module& m, const context& ctx, failures& f) {
  check_memberships(m, ctx, f);
  check_addresses(m, ctx, f);
  check_unique_emails(m, ctx, f);
  check_default_addresses(m, ctx, f);
  check_counts(m, ctx, f);
}

}  // namespace customerdb::testing::stress

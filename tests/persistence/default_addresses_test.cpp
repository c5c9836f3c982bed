// The default address ids kept with each customer (decision D9): random address and customer
// operations, inside and outside transactions, imports and a reopened data directory; after
// each step every customer's default_billing_address_id / default_shipping_address_id, through
// retrieve and list, must equal the ones computed from the customer's address rows.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace customerdb;
using customerdb::testing::temp_dir;

struct defaults {
  std::optional<std::string> billing;
  std::optional<std::string> shipping;
  friend bool operator==(const defaults&, const defaults&) = default;
};

std::string show(const defaults& d) {
  return fmt::format("billing={} shipping={}", d.billing.value_or("<null>"),
                     d.shipping.value_or("<null>"));
}

// The defaults computed from the address rows (the smallest id of each kind).
std::map<std::string, defaults> expected(const customer_module& m, const context& ctx = {}) {
  std::map<std::string, defaults> out;
  for (const auto& c : m.list({}, {.take = customerdb::null, .with_deleted = true}, ctx)) out[c.id];
  for (const auto& a : m.list_addresses({}, {.take = customerdb::null}, ctx)) {
    auto& d = out[a.customer_id];
    if (a.is_default_billing && (!d.billing || a.id < *d.billing)) d.billing = a.id;
    if (a.is_default_shipping && (!d.shipping || a.id < *d.shipping)) d.shipping = a.id;
  }
  return out;
}

void check(const customer_module& m, const std::string& step, const context& ctx = {}) {
  const auto want = expected(m, ctx);
  for (const auto& c : m.list({}, {.take = customerdb::null, .with_deleted = true}, ctx)) {
    const defaults listed{c.default_billing_address_id, c.default_shipping_address_id};
    BOOST_TEST_INFO(step << ": list " << c.id);
    BOOST_TEST(show(listed) == show(want.at(c.id)));
    const auto r = m.retrieve(c.id, {.with_deleted = true}, ctx);
    const defaults retrieved{r.default_billing_address_id, r.default_shipping_address_id};
    BOOST_TEST_INFO(step << ": retrieve " << c.id);
    BOOST_TEST(show(retrieved) == show(want.at(c.id)));
  }
}

// One random step; failures the rules raise (a second default) are expected and change nothing.
class workload {
 public:
  explicit workload(unsigned seed) : rng_(seed) {}

  void step(customer_module& m, const context& ctx = {}) {
    const auto customers = m.list({}, {.take = customerdb::null, .with_deleted = true}, ctx);
    const auto addresses = m.list_addresses({}, {.take = customerdb::null}, ctx);
    const auto pick_customer = [&]() -> std::string {
      return customers[rng_() % customers.size()].id;
    };
    try {
      switch (customers.empty() ? 0 : rng_() % 9) {
        case 0: {
          create_customer_dto c{.email = fmt::format("c{}@x.y", next_++)};
          std::vector<create_customer_address_dto> as;
          for (unsigned i = rng_() % 3; i > 0; --i)
            as.push_back({.is_default_shipping = coin(), .is_default_billing = coin()});
          c.addresses = as;
          m.create(c, ctx);
          break;
        }
        case 1:
        case 2:
          m.add_addresses({.customer_id = pick_customer(),
                           .is_default_shipping = coin(),
                           .is_default_billing = coin()},
                          ctx);
          break;
        case 3:
          if (!addresses.empty()) {
            update_customer_address_dto u;
            if (coin()) u.is_default_billing = coin();
            if (coin()) u.is_default_shipping = coin();
            if (rng_() % 4 == 0) u.customer_id = pick_customer();  // moves the address
            m.update_addresses(addresses[rng_() % addresses.size()].id, u, ctx);
          }
          break;
        case 4:
          if (!addresses.empty()) m.delete_addresses(addresses[rng_() % addresses.size()].id, ctx);
          break;
        case 5:
          m.update(pick_customer(), {.first_name = fmt::format("n{}", next_++)}, ctx);
          break;
        case 6:
          if (coin()) {
            m.soft_delete(std::vector{pick_customer()}, {}, ctx);
          } else {
            m.restore(std::vector{pick_customer()}, {}, ctx);
          }
          break;
        case 7:
          m.delete_customers(pick_customer(), ctx);
          break;
        case 8: {
          // An address and its customer as records, imported next to the existing rows.
          if (ctx.has_transaction()) break;
          record_set rs;
          const auto id = fmt::format("cus_imported{:05}", next_++);
          rs.customers.push_back({.id = id, .email = id + "@x.y"});
          rs.customer_addresses.push_back({.id = fmt::format("cuaddr_imported{:05}", next_++),
                                           .customer_id = coin() ? id : pick_customer(),
                                           .is_default_shipping = coin(),
                                           .is_default_billing = coin()});
          m.import_records(std::move(rs));
          break;
        }
      }
    } catch (const customerdb::error& e) {
      BOOST_TEST((e.code() == error_code::invalid_data || e.code() == error_code::not_found),
                 e.what());
    }
  }

  bool coin() { return rng_() % 2 == 0; }
  unsigned next(unsigned n) { return static_cast<unsigned>(rng_() % n); }

 private:
  std::mt19937 rng_;
  int next_ = 0;
};

BOOST_AUTO_TEST_CASE(defaults_follow_every_write_outside_transactions) {
  customer_module m;
  workload w(7);
  for (int i = 0; i < 400; ++i) {
    w.step(m);
    check(m, fmt::format("step {}", i));
  }
}

BOOST_AUTO_TEST_CASE(defaults_inside_transactions_and_after_commit_or_rollback) {
  customer_module m;
  workload w(11);
  for (int i = 0; i < 40; ++i) w.step(m);
  for (int round = 0; round < 60; ++round) {
    auto tx = m.begin_transaction();
    for (unsigned k = 1 + w.next(4); k > 0; --k) {
      w.step(m, tx);
      check(m, fmt::format("round {} inside", round), tx);
    }
    if (w.coin()) {
      m.commit(tx);
    } else {
      m.rollback(tx);
    }
    check(m, fmt::format("round {} after", round));
  }
}

BOOST_AUTO_TEST_CASE(defaults_after_reopening_the_data_directory) {
  temp_dir dir;
  module_options options;
  options.persistence.data_dir = dir.path();
  options.persistence.snapshot_every_commits = 25;  // some state from snapshots, some replayed
  std::map<std::string, defaults> before;
  {
    customer_module m(options);
    workload w(13);
    for (int i = 0; i < 120; ++i) w.step(m);
    check(m, "before closing");
    before = expected(m);
    BOOST_TEST(!before.empty());
  }
  customer_module reopened(options);
  check(reopened, "reopened");
  BOOST_TEST(expected(reopened) == before);
}

}  // namespace

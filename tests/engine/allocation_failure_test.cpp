// Allocation-failure injection, as SQLite tests it: for each kind of write call, fail the N-th
// allocation the call makes, for N = 1, 2, ... until the call succeeds without a failure. After
// every failure the call must throw std::bad_alloc, the store must be exactly as before (every
// row of every table, the commit sequence), its indexes must agree with its rows, a following
// call must succeed, and with a data directory the reopened store must be the one in memory
// (the journal holds no trace of the failed call). A call that succeeds must have exactly the
// effect it has without failures.
//
// This suite is an executable of its own: it replaces the global operator new and delete (every
// form: plain, array, nothrow, aligned, sized), forwarding to malloc and free, and counts the
// engine pool's blocks (pool::set_failure_injector) among the allocations. Only the allocations
// of the test's thread are counted and failed, so that background threads (the pool's refiller,
// the journal's) cannot make a run differ from the next.
#include <fmt/format.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"
#include "pool.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

// ---- the injector ----------------------------------------------------------------------------

namespace {

// Armed with n, the n-th allocation of this thread from then on fails, once.
thread_local long countdown = 0;  // 0: disarmed
thread_local bool fired = false;

bool fail_now() noexcept {
  if (countdown == 0 || --countdown != 0) return false;
  fired = true;
  return true;
}

void arm(long n) noexcept {
  fired = false;
  countdown = n;
}

void disarm() noexcept { countdown = 0; }

void* allocate_or_null(std::size_t bytes, std::size_t alignment) noexcept {
  if (fail_now()) return nullptr;
  if (bytes == 0) bytes = 1;
  if (alignment <= alignof(std::max_align_t)) return std::malloc(bytes);
  void* p = nullptr;
  return posix_memalign(&p, alignment, bytes) == 0 ? p : nullptr;
}

void* allocate(std::size_t bytes, std::size_t alignment) {
  if (void* p = allocate_or_null(bytes, alignment)) return p;
  throw std::bad_alloc();
}

constexpr std::size_t plain = alignof(std::max_align_t);

}  // namespace

// Every replaceable form of the global allocation functions. Memory from posix_memalign is
// released with free, like malloc's.
void* operator new(std::size_t n) { return allocate(n, plain); }
void* operator new[](std::size_t n) { return allocate(n, plain); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, plain);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, plain);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return allocate(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return allocate(n, static_cast<std::size_t>(a));
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace {

using namespace customerdb;
using namespace customerdb::testing;

// The pool's blocks count as allocations from the start of the suite.
struct pool_failures {
  pool_failures() { detail::pool::set_failure_injector(&fail_now); }
  ~pool_failures() { detail::pool::set_failure_injector(nullptr); }
};

// ---- the store: a dump, its normal form, its invariants ------------------------------------------

// The store's rows with membership ids (random: the only ids the cases do not choose) blanked
// and memberships in (customer, group) order, for comparing two modules that ran the same calls.
std::vector<record> normal_form(std::vector<record> rows) {
  for (auto& r : rows) {
    if (auto* m = std::get_if<customer_group_customer_record>(&r)) m->id.clear();
  }
  const auto rank = [](const record& r) {
    if (const auto* m = std::get_if<customer_group_customer_record>(&r))
      return std::make_tuple(r.index(), m->customer_id, m->customer_group_id);
    return std::make_tuple(r.index(), std::string(), std::string());
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const record& a, const record& b) { return rank(a) < rank(b); });
  return rows;
}

// The ids a list returned, sorted.
template <class Dto>
std::vector<std::string> sorted_ids(const std::vector<Dto>& rows) {
  auto ids = ids_of(rows);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Every index agrees with the rows: counts through the ranked indexes, customers by e-mail,
// groups by name, addresses by customer, members by group, and each customer's default address
// ids (kept in the customer's slot) with its addresses' flags.
void check_invariants(const customer_module& m) {
  const auto rows = rows_of(m);
  std::map<std::string, std::vector<const customer_address_record*>> addresses_of;
  std::map<std::string, std::vector<std::string>> members_of;
  std::size_t customers = 0, groups = 0, addresses = 0, memberships = 0;
  for (const auto& r : rows) {
    if (const auto* a = std::get_if<customer_address_record>(&r)) {
      addresses_of[a->customer_id].push_back(a);
      ++addresses;
    } else if (const auto* g = std::get_if<customer_group_customer_record>(&r)) {
      members_of[g->customer_group_id].push_back(g->customer_id);
      ++memberships;
    }
  }
  const find_config all{.take = null, .with_deleted = true};
  for (const auto& r : rows) {
    if (const auto* c = std::get_if<customer_record>(&r)) {
      ++customers;
      BOOST_REQUIRE(c->email);  // every case's customers have one
      const auto same_email = ids_of(m.list(where("email") == *c->email, all));
      BOOST_CHECK_EQUAL(std::count(same_email.begin(), same_email.end(), c->id), 1);
      const auto found = m.list(where("id") == c->id, all);
      BOOST_REQUIRE_EQUAL(found.size(), 1u);
      std::optional<std::string> billing, shipping;
      std::vector<std::string> own;
      for (const auto* a : addresses_of[c->id]) {
        own.push_back(a->id);
        if (a->is_default_billing) billing = a->id;
        if (a->is_default_shipping) shipping = a->id;
      }
      std::sort(own.begin(), own.end());
      BOOST_CHECK_EQUAL(found[0].default_billing_address_id, billing);
      BOOST_CHECK_EQUAL(found[0].default_shipping_address_id, shipping);
      BOOST_TEST(sorted_ids(m.list_addresses(where("customer_id") == c->id, all)) == own,
                 boost::test_tools::per_element());
    } else if (const auto* g = std::get_if<customer_group_record>(&r)) {
      ++groups;
      BOOST_CHECK_EQUAL(m.list_customer_groups(where("name") == g->name.value_or(""), all).size(),
                        g->name ? 1u : 0u);
      auto members = members_of[g->id];
      std::sort(members.begin(), members.end());
      BOOST_TEST(sorted_ids(m.list(where("groups") == g->id, all)) == members,
                 boost::test_tools::per_element());
    }
  }
  BOOST_CHECK_EQUAL(m.list_and_count({}, all).second, customers);
  BOOST_CHECK_EQUAL(m.list_and_count_customer_groups({}, all).second, groups);
  BOOST_CHECK_EQUAL(m.list_and_count_addresses({}, all).second, addresses);
  BOOST_CHECK_EQUAL(m.list_customer_group_customers({}, all).size(), memberships);
}

// ---- the cases ---------------------------------------------------------------------------------

// Groups A, B and a soft-deleted one; customers 1 (an address, default billing, in group A), 2
// and a soft-deleted one.
void seed(customer_module& m) {
  m.create_customer_group(create_customer_group_dto{.id = "grp_a", .name = "A"});
  m.create_customer_group(create_customer_group_dto{.id = "grp_b", .name = "B"});
  m.create_customer_group(create_customer_group_dto{.id = "grp_soft", .name = "Soft"});
  m.soft_delete_customer_groups("grp_soft");
  m.create(create_customer_dto{
      .id = "cus_1",
      .email = "one@x.y",
      .first_name = "One",
      .addresses = {{{.id = "addr_1", .is_default_billing = true, .city = "Oslo"}}}});
  m.create(create_customer_dto{.id = "cus_2", .email = "two@x.y", .company_name = "Two Ltd"});
  m.create(create_customer_dto{.id = "cus_soft", .email = "soft@x.y"});
  m.soft_delete("cus_soft");
  m.add_customer_to_group({.customer_id = "cus_1", .customer_group_id = "grp_a"});
}

using step = std::function<void(customer_module&, context&)>;

struct write_case {
  std::string name;
  step call;              // the call under test
  step prepare = {};      // before it, not failed (a transaction's earlier calls)
  step after = {};        // after it, not failed (committing the transaction it ran in)
};

std::vector<write_case> cases() {
  const auto rows_to_import = [] {
    staged_rows rows;
    rows.add(customer_group_record{.id = "grp_imported", .name = "Imported"});
    rows.add(customer_record{.id = "cus_imported", .email = "imported@x.y"});
    rows.add(customer_address_record{
        .id = "addr_imported", .customer_id = "cus_imported", .is_default_shipping = true});
    rows.add(customer_group_customer_record{
        .id = "cusgc_imported", .customer_id = "cus_imported", .customer_group_id = "grp_a"});
    return rows;
  };
  return {
      {"create", [](auto& m, auto& ctx) {
         m.create(create_customer_dto{.id = "cus_new", .email = "new@x.y", .first_name = "New"},
                  ctx);
       }},
      {"create with addresses",
       [](auto& m, auto& ctx) {
         m.create(create_customer_dto{.id = "cus_new",
                                      .email = "new@x.y",
                                      .addresses = {{{.id = "addr_new1", .city = "Rome"},
                                                     {.id = "addr_new2",
                                                      .is_default_shipping = true,
                                                      .city = "Milan"}}}},
                  ctx);
       }},
      {"create several",
       [](auto& m, auto& ctx) {
         m.create({create_customer_dto{.id = "cus_new1", .email = "new1@x.y"},
                   create_customer_dto{.id = "cus_new2", .email = "new2@x.y"}},
                  ctx);
       }},
      {"update",
       [](auto& m, auto& ctx) {
         m.update("cus_1", {.email = "changed@x.y", .first_name = "Changed"}, ctx);
       }},
      {"update several",
       [](auto& m, auto& ctx) {
         m.update(std::vector<std::string>{"cus_1", "cus_2"}, {.last_name = "Same"}, ctx);
       }},
      {"update by filter",
       [](auto& m, auto& ctx) {
         m.update(where("company_name") == "Two Ltd", {.company_name = "Two Inc"}, ctx);
       }},
      {"delete", [](auto& m, auto& ctx) { m.delete_customers("cus_1", ctx); }},
      {"soft delete", [](auto& m, auto& ctx) { m.soft_delete("cus_1", {}, ctx); }},
      {"restore", [](auto& m, auto& ctx) { m.restore("cus_soft", {}, ctx); }},
      {"create group",
       [](auto& m, auto& ctx) {
         m.create_customer_group(create_customer_group_dto{.id = "grp_new", .name = "New"}, ctx);
       }},
      {"update group",
       [](auto& m, auto& ctx) { m.update_customer_groups("grp_a", {.name = "AA"}, ctx); }},
      {"delete group", [](auto& m, auto& ctx) { m.delete_customer_groups("grp_a", ctx); }},
      {"soft delete group",
       [](auto& m, auto& ctx) { m.soft_delete_customer_groups("grp_a", {}, ctx); }},
      {"restore group",
       [](auto& m, auto& ctx) { m.restore_customer_groups("grp_soft", {}, ctx); }},
      {"add address",
       [](auto& m, auto& ctx) {
         m.add_addresses({.id = "addr_new",
                          .customer_id = "cus_2",
                          .is_default_billing = true,
                          .city = "Rome"},
                         ctx);
       }},
      {"update address",
       [](auto& m, auto& ctx) {
         m.update_addresses("addr_1", {.is_default_shipping = true, .city = "Bergen"}, ctx);
       }},
      {"delete address", [](auto& m, auto& ctx) { m.delete_addresses("addr_1", ctx); }},
      {"add customer to group",
       [](auto& m, auto& ctx) {
         m.add_customer_to_group({.customer_id = "cus_2", .customer_group_id = "grp_a"}, ctx);
       }},
      {"remove customer from group",
       [](auto& m, auto& ctx) {
         m.remove_customer_from_group({.customer_id = "cus_1", .customer_group_id = "grp_a"},
                                      ctx);
       }},
      {"import rows",
       [rows_to_import](auto& m, auto&) { m.import_rows(rows_to_import()); }},
      {"begin transaction", [](auto& m, auto& ctx) { ctx = m.begin_transaction(); }},
      {"a call in a transaction",
       [](auto& m, auto& ctx) {
         m.add_addresses({.id = "addr_tx", .customer_id = "cus_1", .city = "Turku"}, ctx);
       },
       [](auto& m, auto& ctx) {
         ctx = m.begin_transaction();
         m.create(create_customer_dto{.id = "cus_tx", .email = "tx@x.y"}, ctx);
       },
       [](auto& m, auto& ctx) { m.commit(ctx); }},
      {"commit",
       [](auto& m, auto& ctx) { m.commit(ctx); },
       [](auto& m, auto& ctx) {
         ctx = m.begin_transaction();
         m.create(create_customer_dto{.id = "cus_tx", .email = "tx@x.y"}, ctx);
         m.update("cus_1", {.first_name = "Tx"}, ctx);
         m.add_addresses({.id = "addr_tx", .customer_id = "cus_tx", .city = "Turku"}, ctx);
         m.add_customer_to_group({.customer_id = "cus_tx", .customer_group_id = "grp_b"}, ctx);
         m.delete_customers("cus_2", ctx);
       }},
  };
}

// ---- the runs ----------------------------------------------------------------------------------

// A module with a clock standing still, on `dir` when given.
std::unique_ptr<customer_module> open_module(const manual_clock& clock, const temp_dir* dir) {
  module_options options;
  if (dir) options = on_disk(dir->path(), fsync_policy::always);
  options.clock = clock.function();
  auto m = std::make_unique<customer_module>(options);
  return m;
}

// The store after seeding and the case's steps, without failures; `with_call` false leaves the
// call out.
std::vector<record> reference(const write_case& c, bool with_call) {
  manual_clock clock;
  auto m = open_module(clock, nullptr);
  seed(*m);
  context ctx;
  if (c.prepare) c.prepare(*m, ctx);
  if (with_call) c.call(*m, ctx);
  if (c.after) c.after(*m, ctx);
  return normal_form(rows_of(*m));
}

// Fails the n-th allocation of `c`'s call for n = 1, 2, ... and checks each outcome; returns the
// number of allocations the call made (the first n with which it succeeded without a failure).
long run(const write_case& c, bool durable) {
  const auto with_call = reference(c, true);
  const auto without_call = reference(c, false);
  for (long n = 1;; ++n) {
    BOOST_TEST_CONTEXT(c.name << (durable ? ", with a data directory" : "") << ", allocation "
                              << n) {
      BOOST_REQUIRE_LT(n, 100000);
      manual_clock clock;
      std::optional<temp_dir> dir;
      if (durable) dir.emplace(true);
      auto m = open_module(clock, dir ? &*dir : nullptr);
      seed(*m);
      context ctx;
      if (c.prepare) c.prepare(*m, ctx);
      const auto before = rows_of(*m);
      const auto sequence = m->stats().sequence;

      bool out_of_memory = false;
      std::string other;
      arm(n);
      try {
        c.call(*m, ctx);
      } catch (const std::bad_alloc&) {
        out_of_memory = true;
      } catch (const std::exception& e) {
        other = e.what();
      }
      disarm();
      BOOST_REQUIRE_MESSAGE(other.empty(), "the call threw something else: " << other);
      BOOST_REQUIRE_MESSAGE(fired || !out_of_memory, "std::bad_alloc without a failure");

      if (out_of_memory) {
        BOOST_REQUIRE_MESSAGE(rows_of(*m) == before, "the failed call changed the store");
        BOOST_CHECK_EQUAL(m->stats().sequence, sequence);
        check_invariants(*m);
        // A transaction goes on without the failed call (a failed commit rolled it back).
        if (c.after && ctx.has_transaction()) {
          c.after(*m, ctx);
          BOOST_REQUIRE_MESSAGE(normal_form(rows_of(*m)) == without_call,
                                "the failed call left a trace in its transaction");
        }
      } else {
        if (c.after) c.after(*m, ctx);
        BOOST_REQUIRE_MESSAGE(normal_form(rows_of(*m)) == with_call,
                              "the call's effect differs from its effect without failures");
        check_invariants(*m);
      }
      // The module still works, and its data directory holds the store it has in memory.
      m->create(create_customer_dto{.id = "cus_after", .email = "after@x.y"});
      if (durable) {
        const auto in_memory = rows_of(*m);
        m.reset();
        const auto reopened = open_module(clock, &*dir);
        BOOST_REQUIRE_MESSAGE(rows_of(*reopened) == in_memory,
                              "the reopened store differs from the one in memory");
      }
      if (!out_of_memory && !fired) return n;
    }
  }
}

void run_all(bool durable) {
  const pool_failures counted;
  std::string summary;
  for (const auto& c : cases()) {
    const long n = run(c, durable);
    summary += fmt::format("  {:<28} {:>5}\n", c.name, n - 1);
  }
  BOOST_TEST_MESSAGE("allocations per call" << (durable ? " (with a data directory)" : "")
                                            << ":\n"
                                            << summary);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(allocation_failure)

// The injector fails every form of allocation: the global operator new in each form, its
// nothrow forms (null), and the pool's blocks; armed with 2, the second allocation fails.
BOOST_AUTO_TEST_CASE(every_form_of_allocation_can_fail) {
  const pool_failures counted;
  const auto fails = [](auto&& allocation) {
    arm(1);
    bool failed = false;
    try {
      allocation();
    } catch (const std::bad_alloc&) {
      failed = true;
    }
    disarm();
    return failed && fired;
  };
  BOOST_CHECK(fails([] { delete new int(1); }));
  BOOST_CHECK(fails([] { delete[] new int[4]; }));
  struct alignas(64) wide {
    char bytes[64];
  };
  BOOST_CHECK(fails([] { delete new wide; }));
  BOOST_CHECK(fails([] { delete[] new wide[2]; }));
  BOOST_CHECK(fails([] { std::string s(100, 'x'); }));
  BOOST_CHECK(fails([] { detail::pool::allocate(48); }));
  arm(1);
  BOOST_CHECK(new (std::nothrow) int(1) == nullptr);
  arm(1);
  BOOST_CHECK(new (std::nothrow) int[4] == nullptr);
  arm(1);
  BOOST_CHECK(new (std::align_val_t(64), std::nothrow) wide == nullptr);
  arm(2);
  auto* first = new int(1);
  BOOST_CHECK_THROW(new int(2), std::bad_alloc);
  disarm();
  delete first;
  auto* block = detail::pool::allocate(48);  // disarmed: succeeds
  detail::pool::deallocate(block, 48);
}

BOOST_AUTO_TEST_CASE(write_calls_in_memory) { run_all(false); }

BOOST_AUTO_TEST_CASE(write_calls_with_a_data_directory) { run_all(true); }

BOOST_AUTO_TEST_SUITE_END()

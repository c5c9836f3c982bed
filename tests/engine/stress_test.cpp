// Concurrency stress tests of customer_module: writers run random operations (auto-commit and
// in transactions, committed, rolled back or lost to a conflict) while readers check invariants
// on what single calls return; afterwards the final state must equal the replay of the
// operations that succeeded.
//
// Iterations per thread: CUSTOMERDB_STRESS_ITERATIONS (default below). Seeds are fixed per
// thread, so each thread's choices are reproducible given the outcomes it observes. Debug builds
// check Boost.MultiIndex invariants on every write (O(table size)), so the cost grows with the
// square of the iterations: the default keeps a Debug run to a few seconds and a
// ThreadSanitizer run well under a minute.
//
// Boost.Test assertions are not thread-safe: worker threads record failures in a `failures`
// list that the main thread checks after joining.
#include <algorithm>
#include <atomic>
#include <barrier>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using dto = create_customer_dto;
using address_list = std::vector<create_customer_address_dto>;

constexpr int default_iterations = 500;
constexpr int writer_count = 3;
constexpr int reader_count = 2;
constexpr int shared_email_count = 4;

int iterations() {
  if (const char* s = std::getenv("CUSTOMERDB_STRESS_ITERATIONS")) {
    char* end = nullptr;
    const long v = std::strtol(s, &end, 10);
    if (end != s && *end == '\0' && v > 0 && v < 1000000) return static_cast<int>(v);
  }
  return default_iterations;
}

const find_config all{.take = customerdb::null};
const find_config all_with_deleted{.take = customerdb::null, .with_deleted = true};

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

std::int64_t counter_value(const customer& c) {
  if (!c.metadata) return -1;
  const auto it = c.metadata->find("n");
  if (it == c.metadata->end() || !it->value().is_int64()) return -1;
  return it->value().get_int64();
}

// ---- invariants on what one call returns --------------------------------------------------

// Every membership's customer and group exist (loaded as relations in the same call).
void check_memberships(const customer_module& m, const context& ctx, failures& f) {
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
void check_addresses(const customer_module& m, const context& ctx, failures& f) {
  const auto rows = m.list_addresses(
      {}, {.relations = {"customer"}, .take = customerdb::null, .with_deleted = true}, ctx);
  for (const auto& a : rows)
    if (!a.customer || a.customer->id != a.customer_id)
      f.add("address " + a.id + " refers to a missing customer " + a.customer_id);
}

// No two live customers share (email, has_account); list_and_count counts what list returns.
void check_unique_emails(const customer_module& m, const context& ctx, failures& f) {
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
void check_default_addresses(const customer_module& m, const context& ctx, failures& f) {
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
void check_counts(const customer_module& m, const context& ctx, failures& f) {
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

void check_all(const customer_module& m, const context& ctx, failures& f) {
  check_memberships(m, ctx, f);
  check_addresses(m, ctx, f);
  check_unique_emails(m, ctx, f);
  check_default_addresses(m, ctx, f);
  check_counts(m, ctx, f);
}

// ---- what a writer owns, for the replay -----------------------------------------------------

struct owned_state {
  struct customer_info {
    std::optional<std::string> email;
    bool has_account = false;
    bool deleted = false;
  };
  struct address_info {
    std::string customer_id;
    bool shipping = false;
    bool billing = false;
  };
  std::map<std::string, customer_info> customers;
  std::map<std::string, address_info> addresses;
  std::set<std::pair<std::string, std::string>> memberships;  // (customer, group)
  std::map<std::string, bool> groups;                         // own group -> deleted

  void erase_customer(const std::string& id) {
    customers.erase(id);
    std::erase_if(addresses, [&](const auto& a) { return a.second.customer_id == id; });
    std::erase_if(memberships, [&](const auto& p) { return p.first == id; });
  }
  void erase_group(const std::string& id) {
    groups.erase(id);
    std::erase_if(memberships, [&](const auto& p) { return p.second == id; });
  }
  bool has_default(const std::string& customer_id, bool shipping) const {
    return std::any_of(addresses.begin(), addresses.end(), [&](const auto& a) {
      return a.second.customer_id == customer_id &&
             (shipping ? a.second.shipping : a.second.billing);
    });
  }
  void add_customer(const customer& c) {
    customers[c.id] = {c.email, c.has_account, c.deleted_at.has_value()};
    if (c.addresses)
      for (const auto& a : *c.addresses)
        addresses[a.id] = {a.customer_id, a.is_default_shipping, a.is_default_billing};
  }
};

struct writer_stats {
  int increments = 0;
  int counter_conflicts = 0;
  int unique_errors = 0;
  int commit_unique_errors = 0;
  int default_errors = 0;
  int tx_commits = 0;
  int tx_conflicts = 0;
  int tx_rollbacks = 0;
  int expired = 0;
};

struct shared_ids {
  std::string counter;
  std::string hot;
  std::vector<std::string> groups;
};

class writer {
 public:
  writer(customer_module& m, const shared_ids& ids, failures& f, int index, int iterations)
      : m_(m),
        ids_(ids),
        f_(f),
        index_(index),
        iterations_(iterations),
        rng_(0x5EED0000u + static_cast<unsigned>(index)) {}

  void run() {
    for (iteration_ = 0; iteration_ < iterations_; ++iteration_) {
      try {
        step();
      } catch (const error& e) {
        f_.add(tag() + "unexpected error (" + std::string(to_string(e.code())) + "): " + e.what());
      } catch (const std::exception& e) {
        f_.add(tag() + "unexpected exception: " + e.what());
      }
    }
  }

  const owned_state& state() const { return state_; }
  const writer_stats& stats() const { return stats_; }

 private:
  std::string tag() const {
    return "writer " + std::to_string(index_) + " iteration " + std::to_string(iteration_) + ": ";
  }
  bool coin(double p) { return std::bernoulli_distribution(p)(rng_); }
  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  std::string token() {
    return "w" + std::to_string(index_) + "-" + std::to_string(iteration_) + "-" +
           std::to_string(tokens_++);
  }

  template <class Map>
  const std::string* pick(const Map& map) {
    if (map.empty()) return nullptr;
    return &std::next(map.begin(), static_cast<std::ptrdiff_t>(below(map.size())))->first;
  }
  const std::string* pick_customer(bool deleted) {
    std::vector<const std::string*> ids;
    for (const auto& [id, info] : state_.customers)
      if (info.deleted == deleted) ids.push_back(&id);
    return ids.empty() ? nullptr : ids[below(ids.size())];
  }
  std::string pick_group() {
    if (!state_.groups.empty() && coin(0.3)) return *pick(state_.groups);
    return ids_.groups[below(ids_.groups.size())];
  }

  std::string unique_email() { return "w" + std::to_string(index_) + "-" + token() + "@s.io"; }
  static std::string shared_email(std::size_t k) { return "shared" + std::to_string(k) + "@s.io"; }
  static std::string email_clash(const std::string& email, bool has_account) {
    return "Customer with email: " + email + ", has_account: " + (has_account ? "true" : "false") +
           ", already exists.";
  }

  void step() {
    const auto r = below(100);
    if (r < 14) return increment_counter();
    if (r < 26) return create_customer();
    if (r < 36) return add_address();
    if (r < 41) return delete_address();
    if (r < 45) return update_address();
    if (r < 53) return add_membership();
    if (r < 57) return remove_membership();
    if (r < 62) return soft_delete_customer();
    if (r < 66) return restore_customer();
    if (r < 70) return hard_delete_customer();
    if (r < 76) return group_op();
    if (r < 78) return expired_transaction();
    if (r < 82) return shared_email_transaction();
    return mixed_transaction();
  }

  // Read n, write n + 1, commit; retried on conflict. The first write claims the row, so a
  // commit in between makes this commit fail (commit validates rows written, not rows read).
  void increment_counter() {
    for (int attempt = 0; attempt < 100000; ++attempt) {
      context tx = m_.begin_transaction();
      try {
        m_.update(ids_.counter, {.first_name = token()}, tx);
        const auto n = counter_value(m_.retrieve(ids_.counter, {}, tx));
        if (n < 0) {
          f_.add(tag() + "counter without n");
          return;
        }
        m_.update(ids_.counter, {.metadata = metadata{{"n", n + 1}}}, tx);
        if (counter_value(m_.retrieve(ids_.counter, {}, tx)) != n + 1)
          f_.add(tag() + "the transaction does not see its own counter write");
        m_.commit(tx);
        ++stats_.increments;
        return;
      } catch (const error& e) {
        if (e.code() != error_code::conflict) throw;
        const std::string expected = "Transaction conflict: Customer with id: " + ids_.counter +
                                     " was changed by another transaction";
        if (e.what() != expected) f_.add(tag() + "conflict message: " + e.what());
        ++stats_.counter_conflicts;
      }
    }
    f_.add(tag() + "counter increment never succeeded");
  }

  void create_customer() {
    const bool shared = coin(0.35);
    const std::string email = shared ? shared_email(below(shared_email_count)) : unique_email();
    const bool has_account = shared && coin(0.5);
    dto d{.email = email, .first_name = "auto", .has_account = has_account};
    if (coin(0.3))
      d.addresses = address_list{{.is_default_shipping = true, .city = "Aarhus"},
                                 {.is_default_billing = coin(0.5), .city = "Odense"}};
    try {
      state_.add_customer(m_.create(d));
    } catch (const error& e) {
      if (shared && e.code() == error_code::invalid_data &&
          e.what() == email_clash(email, has_account)) {
        ++stats_.unique_errors;
      } else {
        throw;
      }
    }
  }

  void add_address() {
    const auto* c = pick(state_.customers);
    if (!c) return create_customer();
    const std::string id = *c;
    const bool shipping = coin(0.3);
    const bool billing = coin(0.2);
    const bool clash =
        (shipping && state_.has_default(id, true)) || (billing && state_.has_default(id, false));
    try {
      const auto a = m_.add_addresses({.customer_id = id,
                                       .is_default_shipping = shipping,
                                       .is_default_billing = billing,
                                       .city = "X"});
      if (clash) f_.add(tag() + "a second default address was accepted for " + id);
      state_.addresses[a.id] = {id, shipping, billing};
    } catch (const error& e) {
      const std::string expected = "Customer address with customer_id: " + id + ", already exists.";
      if (!clash || e.code() != error_code::invalid_data || e.what() != expected) throw;
      ++stats_.default_errors;
    }
  }

  void delete_address() {
    const auto* a = pick(state_.addresses);
    if (!a) return add_address();
    const std::string id = *a;
    if (coin(0.5)) {
      m_.delete_addresses(id);
    } else {
      m_.delete_addresses(where("id") == id);
    }
    state_.addresses.erase(id);
  }

  void update_address() {
    const auto* a = pick(state_.addresses);
    if (!a) return add_address();
    const std::string id = *a;
    auto& info = state_.addresses[id];
    // Clear both flags (never a clash), or set billing when the customer has none.
    if (info.shipping || info.billing || state_.has_default(info.customer_id, false)) {
      const auto r =
          m_.update_addresses(id, {.is_default_shipping = false, .is_default_billing = false});
      if (r.is_default_shipping || r.is_default_billing) f_.add(tag() + "flags not cleared");
      info.shipping = info.billing = false;
    } else {
      m_.update_addresses(id, {.is_default_billing = true});
      info.billing = true;
    }
  }

  void add_membership() {
    const auto* c = pick(state_.customers);
    if (!c) return create_customer();
    const std::string customer_id = *c;
    const std::string group_id = pick_group();
    const auto id =
        m_.add_customer_to_group({.customer_id = customer_id, .customer_group_id = group_id});
    if (id.rfind("cusgc_", 0) != 0) f_.add(tag() + "membership id " + id);
    state_.memberships.emplace(customer_id, group_id);
  }

  void remove_membership() {
    if (state_.memberships.empty()) return add_membership();
    const auto p = *std::next(state_.memberships.begin(),
                              static_cast<std::ptrdiff_t>(below(state_.memberships.size())));
    m_.remove_customer_from_group({.customer_id = p.first, .customer_group_id = p.second});
    state_.memberships.erase(p);
  }

  void soft_delete_customer() {
    const auto* c = pick(state_.customers);
    if (!c) return create_customer();
    const std::string id = *c;
    const auto result = m_.soft_delete(id);
    const bool was_live = !state_.customers[id].deleted;
    if (show(result) != (was_live ? key_ids("customer_id", {id}) : std::string("{}")))
      f_.add(tag() + "soft_delete returned " + show(result));
    state_.customers[id].deleted = true;
  }

  void restore_customer() {
    const auto* c = pick_customer(true);
    if (!c) return soft_delete_customer();
    const std::string id = *c;
    auto& info = state_.customers[id];
    try {
      const auto result = m_.restore(strs({id}));
      if (show(result) != key_ids("customer_id", {id}))
        f_.add(tag() + "restore returned " + show(result));
      info.deleted = false;
    } catch (const error& e) {
      // Only a shared e-mail can have been taken meanwhile.
      if (!info.email || info.email->rfind("shared", 0) != 0 ||
          e.code() != error_code::invalid_data ||
          e.what() != email_clash(*info.email, info.has_account))
        throw;
      ++stats_.unique_errors;
    }
  }

  void hard_delete_customer() {
    const auto* c = pick(state_.customers);
    if (!c) return create_customer();
    const std::string id = *c;
    if (coin(0.5)) {
      m_.delete_customers(id);
    } else {
      context tx = m_.begin_transaction();
      m_.delete_customers(strs({id}), tx);
      m_.commit(tx);  // only this writer touches its customers: never a conflict
    }
    state_.erase_customer(id);
  }

  void group_op() {
    const auto* g = pick(state_.groups);
    const auto r = below(4);
    if (!g || r == 0) {
      const auto created = m_.create_customer_group({.name = "g-" + token()});
      state_.groups[created.id] = false;
      return;
    }
    const std::string id = *g;
    if (r == 1) {
      m_.soft_delete_customer_groups(id);
      state_.groups[id] = true;
    } else if (r == 2) {
      m_.restore_customer_groups(id);
      state_.groups[id] = false;
    } else {
      m_.delete_customer_groups(id);
      state_.erase_group(id);
    }
  }

  // A transaction past its deadline: every call fails and nothing is applied.
  void expired_transaction() {
    context tx = m_.begin_transaction(
        {.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1)});
    try {
      m_.create(dto{.email = unique_email()}, tx);
      f_.add(tag() + "an expired transaction accepted a write");
    } catch (const error& e) {
      if (e.code() != error_code::conflict || std::string(e.what()) != "Transaction has expired")
        throw;
      ++stats_.expired;
    }
  }

  // A create with a shared e-mail in a transaction: the unique rule is checked again at commit.
  void shared_email_transaction() {
    // A pool of its own, released again soon after, so that creates often succeed inside the
    // transaction and then race at commit.
    const std::string email = "sharedtx" + std::to_string(below(2)) + "@s.io";
    const bool has_account = coin(0.5);
    context tx = m_.begin_transaction();
    customer created;
    try {
      created = m_.create(dto{.email = email, .first_name = "tx", .has_account = has_account}, tx);
    } catch (const error& e) {
      if (e.code() != error_code::invalid_data || e.what() != email_clash(email, has_account))
        throw;
      ++stats_.unique_errors;
      return;  // destroying the context rolls back the empty transaction
    }
    // Widen the window in which another writer can take the e-mail before this commit.
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    try {
      m_.commit(tx);
      state_.add_customer(created);
      ++stats_.tx_commits;
    } catch (const error& e) {
      if (e.code() != error_code::invalid_data || e.what() != email_clash(email, has_account))
        throw;
      ++stats_.commit_unique_errors;
      return;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    if (coin(0.5)) {
      m_.soft_delete(created.id);
      state_.customers[created.id].deleted = true;
    } else if (coin(0.6)) {
      m_.delete_customers(created.id);
      state_.erase_customer(created.id);
    }
  }

  // Several writes in one transaction, some touching the shared "hot" customer; committed,
  // rolled back, or dropped. Nothing of it may show when it did not commit.
  void mixed_transaction() {
    owned_state staged = state_;
    context tx = m_.begin_transaction();
    const auto c =
        m_.create(dto{.email = unique_email(),
                      .first_name = "mixed",
                      .addresses = address_list{{.is_default_billing = true, .city = "Tx"}}},
                  tx);
    staged.add_customer(c);
    if (const auto* own = pick(staged.customers)) {
      const std::string id = *own;
      const std::string group_id = pick_group();
      m_.add_customer_to_group({.customer_id = id, .customer_group_id = group_id}, tx);
      staged.memberships.emplace(id, group_id);
    }
    if (const auto* a = pick(staged.addresses); a && coin(0.5)) {
      const std::string id = *a;
      m_.delete_addresses(id, tx);
      staged.addresses.erase(id);
    }
    if (coin(0.3)) {
      m_.soft_delete(c.id, {}, tx);
      staged.customers[c.id].deleted = true;
    }
    const bool hot = coin(0.6);
    if (hot) m_.update(ids_.hot, {.last_name = token()}, tx);
    // Read-your-own-writes inside.
    if (m_.retrieve(c.id, all_with_deleted, tx).first_name != "mixed")
      f_.add(tag() + "the transaction does not see its own customer");
    if (coin(0.15)) {
      m_.update(ids_.hot, {.first_name = token()});  // an auto-commit write on the hot row
    }
    const auto r = below(10);
    if (r < 2) {
      m_.rollback(tx);
      ++stats_.tx_rollbacks;
      return;
    }
    if (r < 3) {
      ++stats_.tx_rollbacks;
      return;  // destroyed without commit
    }
    try {
      m_.commit(tx);
      state_ = std::move(staged);
      ++stats_.tx_commits;
    } catch (const error& e) {
      const std::string expected = "Transaction conflict: Customer with id: " + ids_.hot +
                                   " was changed by another transaction";
      if (!hot || e.code() != error_code::conflict || e.what() != expected) throw;
      ++stats_.tx_conflicts;
    }
  }

  customer_module& m_;
  const shared_ids& ids_;
  failures& f_;
  int index_;
  int iterations_;
  int iteration_ = 0;
  std::uint64_t tokens_ = 0;
  std::mt19937 rng_;
  owned_state state_;
  writer_stats stats_;
};

class reader {
 public:
  reader(customer_module& m, const shared_ids& ids, failures& f, int index, int iterations)
      : m_(m),
        ids_(ids),
        f_(f),
        index_(index),
        iterations_(iterations),
        rng_(0xEAD00000u + static_cast<unsigned>(index)) {}

  void run() {
    for (int i = 0; i < iterations_; ++i) {
      try {
        step();
      } catch (const std::exception& e) {
        f_.add("reader " + std::to_string(index_) + ": unexpected exception: " + e.what());
      }
    }
  }

  int checks() const { return checks_; }

 private:
  void step() {
    const auto r = std::uniform_int_distribution<int>(0, 7)(rng_);
    if (r < 7) return check(r, context{});
    // Several checks through one read-only transaction, which ends by commit or rollback.
    context tx = m_.begin_transaction();
    check(std::uniform_int_distribution<int>(0, 6)(rng_), tx);
    check(std::uniform_int_distribution<int>(0, 6)(rng_), tx);
    if (rng_() % 2) {
      m_.commit(tx);
    } else {
      m_.rollback(tx);
    }
  }

  void check(int r, const context& ctx) {
    ++checks_;
    switch (r) {
      case 0:
        return check_memberships(m_, ctx, f_);
      case 1:
        return check_addresses(m_, ctx, f_);
      case 2:
        return check_unique_emails(m_, ctx, f_);
      case 3:
        return check_default_addresses(m_, ctx, f_);
      case 4:
        return check_counts(m_, ctx, f_);
      case 5: {
        // The counter never goes back.
        const auto n = counter_value(m_.retrieve(ids_.counter, {}, ctx));
        if (n < last_counter_) f_.add("counter went back from " + std::to_string(last_counter_));
        last_counter_ = n;
        return;
      }
      default: {
        // A shared group with its live customers; each one is live when loaded.
        const auto& g = ids_.groups[std::uniform_int_distribution<std::size_t>(
            0, ids_.groups.size() - 1)(rng_)];
        const auto group = m_.retrieve_customer_group(g, {.relations = {"customers"}}, ctx);
        if (!group.customers) return f_.add("group customers not loaded");
        for (const auto& c : *group.customers)
          if (c.deleted_at) f_.add("a soft-deleted customer loaded without with_deleted");
        return;
      }
    }
  }

  customer_module& m_;
  const shared_ids& ids_;
  failures& f_;
  int index_;
  int iterations_;
  int checks_ = 0;
  std::int64_t last_counter_ = 0;
  std::mt19937 rng_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(stress)

BOOST_AUTO_TEST_CASE(random_writers_and_checking_readers) {
  const int n = iterations();
  customer_module m;
  shared_ids ids;
  ids.counter = m.create(dto{.email = "counter@s.io", .metadata = metadata{{"n", 0}}}).id;
  ids.hot = m.create(dto{.email = "hot@s.io"}).id;
  for (int i = 0; i < 3; ++i)
    ids.groups.push_back(m.create_customer_group({.name = "shared" + std::to_string(i)}).id);

  failures f;
  std::vector<writer> writers;
  std::vector<reader> readers;
  writers.reserve(writer_count);
  readers.reserve(reader_count);
  for (int i = 0; i < writer_count; ++i) writers.emplace_back(m, ids, f, i, n);
  for (int i = 0; i < reader_count; ++i) readers.emplace_back(m, ids, f, i, n);

  const auto start = std::chrono::steady_clock::now();
  {
    std::latch go(writer_count + reader_count);
    std::vector<std::jthread> threads;
    for (auto& w : writers)
      threads.emplace_back([&go, p = &w] {
        go.arrive_and_wait();
        p->run();
      });
    for (auto& r : readers)
      threads.emplace_back([&go, p = &r] {
        go.arrive_and_wait();
        p->run();
      });
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);

  // Invariants on the final state.
  check_all(m, context{}, f);
  BOOST_CHECK_MESSAGE(f.count() == 0, f.count() << " failures:" << f.summary());

  // The counter: exactly the number of increments.
  writer_stats total;
  for (const auto& w : writers) {
    const auto& s = w.stats();
    total.increments += s.increments;
    total.counter_conflicts += s.counter_conflicts;
    total.unique_errors += s.unique_errors;
    total.commit_unique_errors += s.commit_unique_errors;
    total.default_errors += s.default_errors;
    total.tx_commits += s.tx_commits;
    total.tx_conflicts += s.tx_conflicts;
    total.tx_rollbacks += s.tx_rollbacks;
    total.expired += s.expired;
  }
  BOOST_CHECK_EQUAL(counter_value(m.retrieve(ids.counter)), total.increments);

  // The replay: the union of what each writer owns is exactly what the module holds.
  std::map<std::string, owned_state::customer_info> customers;
  std::map<std::string, owned_state::address_info> addresses;
  std::vector<std::pair<std::string, std::string>> memberships;
  std::map<std::string, bool> groups;
  for (const auto& w : writers) {
    const auto& s = w.state();
    customers.insert(s.customers.begin(), s.customers.end());
    addresses.insert(s.addresses.begin(), s.addresses.end());
    memberships.insert(memberships.end(), s.memberships.begin(), s.memberships.end());
    groups.insert(s.groups.begin(), s.groups.end());
  }
  customers[ids.counter] = {"counter@s.io", false, false};
  customers[ids.hot] = {"hot@s.io", false, false};
  for (const auto& g : ids.groups) groups[g] = false;

  const auto final_customers =
      m.list({}, {.relations = {"addresses"}, .take = customerdb::null, .with_deleted = true});
  std::vector<std::string> expected_customer_ids;
  for (const auto& [id, info] : customers) expected_customer_ids.push_back(id);
  BOOST_TEST(ids_of(final_customers) == expected_customer_ids);
  for (const auto& c : final_customers) {
    const auto it = customers.find(c.id);
    if (it == customers.end()) continue;
    BOOST_TEST_CONTEXT("customer " << c.id) {
      BOOST_CHECK_EQUAL(c.email, it->second.email);
      BOOST_CHECK_EQUAL(c.has_account, it->second.has_account);
      BOOST_CHECK_EQUAL(c.deleted_at.has_value(), it->second.deleted);
      std::optional<std::string> shipping, billing;
      for (const auto& [aid, a] : addresses) {
        if (a.customer_id != c.id) continue;
        if (a.shipping) shipping = aid;
        if (a.billing) billing = aid;
      }
      BOOST_CHECK_EQUAL(c.default_shipping_address_id, shipping);
      BOOST_CHECK_EQUAL(c.default_billing_address_id, billing);
    }
  }

  const auto final_addresses = m.list_addresses({}, all);
  std::vector<std::string> expected_address_ids;
  for (const auto& [id, info] : addresses) expected_address_ids.push_back(id);
  BOOST_TEST(ids_of(final_addresses) == expected_address_ids);
  for (const auto& a : final_addresses) {
    const auto it = addresses.find(a.id);
    if (it == addresses.end()) continue;
    BOOST_TEST_CONTEXT("address " << a.id) {
      BOOST_CHECK_EQUAL(a.customer_id, it->second.customer_id);
      BOOST_CHECK_EQUAL(a.is_default_shipping, it->second.shipping);
      BOOST_CHECK_EQUAL(a.is_default_billing, it->second.billing);
    }
  }

  std::vector<std::pair<std::string, std::string>> final_memberships;
  for (const auto& r : m.list_customer_group_customers({}, all))
    final_memberships.emplace_back(r.customer_id, r.customer_group_id);
  std::sort(final_memberships.begin(), final_memberships.end());
  std::sort(memberships.begin(), memberships.end());
  BOOST_CHECK_EQUAL(final_memberships.size(), memberships.size());
  BOOST_CHECK_MESSAGE(final_memberships == memberships, "memberships differ from the replay");

  const auto final_groups = m.list_customer_groups({}, all_with_deleted);
  std::vector<std::string> expected_group_ids;
  for (const auto& [id, deleted] : groups) expected_group_ids.push_back(id);
  BOOST_TEST(ids_of(final_groups) == expected_group_ids);
  for (const auto& g : final_groups) {
    const auto it = groups.find(g.id);
    if (it != groups.end()) BOOST_CHECK_EQUAL(g.deleted_at.has_value(), it->second);
  }

  // Counts agree across calls once nothing moves.
  BOOST_CHECK_EQUAL(m.list_and_count({}, {}).second, m.list({}, all).size());
  BOOST_CHECK_EQUAL(m.list_and_count_addresses({}, {}).second, final_addresses.size());
  BOOST_CHECK_EQUAL(m.list_and_count_customer_groups({}, {}).second,
                    m.list_customer_groups({}, all).size());

  int reader_checks = 0;
  for (const auto& r : readers) reader_checks += r.checks();
  BOOST_TEST_MESSAGE(
      "stress: " << n << " iterations x " << writer_count << " writers, " << reader_count
                 << " readers in " << elapsed.count() << " ms; " << total.increments
                 << " increments (" << total.counter_conflicts << " conflicts), "
                 << total.tx_commits << " tx commits, " << total.tx_conflicts << " tx conflicts, "
                 << total.tx_rollbacks << " rollbacks, " << total.unique_errors
                 << " unique errors, " << total.commit_unique_errors << " unique errors at commit, "
                 << total.default_errors << " default-address errors, " << total.expired
                 << " expired, " << reader_checks << " reader checks; final "
                 << final_customers.size() << " customers, " << final_addresses.size()
                 << " addresses, " << final_memberships.size() << " memberships");
}

// Rounds in which every thread writes the same customer, waits until all have written, then
// commits: exactly one commit per round wins, the others fail with the exact conflict.
BOOST_AUTO_TEST_CASE(racing_commits_on_one_row_have_one_winner) {
  constexpr int thread_count = 4;
  const int rounds = std::max(5, iterations() / 10);
  customer_module m;
  const auto c = m.create(dto{.email = "race@s.io"}).id;
  const std::string expected =
      "Transaction conflict: Customer with id: " + c + " was changed by another transaction";

  failures f;
  std::vector<std::atomic<int>> wins(rounds);
  std::vector<std::atomic<int>> losses(rounds);
  std::barrier sync(thread_count);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < thread_count; ++t) {
      threads.emplace_back([&, t] {
        for (int r = 0; r < rounds; ++r) {
          bool arrived = false;  // a failure before the first barrier must not hang the others
          try {
            context tx = m.begin_transaction();
            m.update(c, {.first_name = "t" + std::to_string(t) + "r" + std::to_string(r)}, tx);
            m.create(dto{.email = "t" + std::to_string(t) + "r" + std::to_string(r) + "@s.io"}, tx);
            arrived = true;
            sync.arrive_and_wait();  // everybody wrote before anybody commits
            try {
              m.commit(tx);
              ++wins[r];
            } catch (const error& e) {
              if (e.code() != error_code::conflict || e.what() != expected)
                f.add(std::string("unexpected commit error: ") + e.what());
              ++losses[r];
            }
          } catch (const std::exception& e) {
            f.add(std::string("unexpected exception: ") + e.what());
          }
          if (!arrived) sync.arrive_and_wait();
          sync.arrive_and_wait();  // the round is over
        }
      });
    }
  }
  BOOST_CHECK_MESSAGE(f.count() == 0, f.count() << " failures:" << f.summary());
  int total_wins = 0;
  for (int r = 0; r < rounds; ++r) {
    BOOST_TEST_CONTEXT("round " << r) {
      BOOST_CHECK_EQUAL(wins[r].load(), 1);
      BOOST_CHECK_EQUAL(losses[r].load(), thread_count - 1);
    }
    total_wins += wins[r].load();
  }
  // Only the winners' other writes were applied: one created customer per round.
  BOOST_CHECK_EQUAL(m.list({}, all).size(), static_cast<std::size_t>(1 + total_wins));
}

// Rounds in which every thread creates a customer with the same e-mail in its own transaction;
// the unique rule is checked again at commit, so exactly one commit per round wins.
BOOST_AUTO_TEST_CASE(racing_creates_of_one_email_have_one_winner) {
  constexpr int thread_count = 4;
  const int rounds = std::max(5, iterations() / 10);
  customer_module m;

  failures f;
  std::vector<std::atomic<int>> wins(rounds);
  std::barrier sync(thread_count);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < thread_count; ++t) {
      threads.emplace_back([&, t] {
        for (int r = 0; r < rounds; ++r) {
          const std::string email = "round" + std::to_string(r) + "@s.io";
          bool arrived = false;
          try {
            context tx = m.begin_transaction();
            m.create(dto{.email = email, .first_name = "t" + std::to_string(t)}, tx);
            m.create_customer_group(
                {.name = "round" + std::to_string(r) + "-t" + std::to_string(t)}, tx);
            arrived = true;
            sync.arrive_and_wait();
            try {
              m.commit(tx);
              ++wins[r];
            } catch (const error& e) {
              const std::string expected =
                  "Customer with email: " + email + ", has_account: false, already exists.";
              if (e.code() != error_code::invalid_data || e.what() != expected)
                f.add(std::string("unexpected commit error: ") + e.what());
            }
          } catch (const std::exception& e) {
            f.add(std::string("unexpected exception: ") + e.what());
          }
          if (!arrived) sync.arrive_and_wait();
          sync.arrive_and_wait();
        }
      });
    }
  }
  BOOST_CHECK_MESSAGE(f.count() == 0, f.count() << " failures:" << f.summary());
  for (int r = 0; r < rounds; ++r) {
    BOOST_TEST_CONTEXT("round " << r) {
      BOOST_CHECK_EQUAL(wins[r].load(), 1);
      BOOST_CHECK_EQUAL(m.list(where("email") == "round" + std::to_string(r) + "@s.io").size(), 1u);
    }
  }
  // The losers' groups were not applied either.
  BOOST_CHECK_EQUAL(m.list_customer_groups({}, all).size(), static_cast<std::size_t>(rounds));
}

// One transaction used from several threads at once, directly and through joined contexts:
// calls are serialized, every write lands in the transaction, nothing shows before the commit.
BOOST_AUTO_TEST_CASE(one_transaction_shared_by_several_threads) {
  constexpr int thread_count = 4;
  const int per_thread = std::max(10, iterations() / 8);
  customer_module m;
  context tx = m.begin_transaction();

  failures f;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < thread_count; ++t) {
      threads.emplace_back([&, t] {
        const context joined = m.begin_transaction(tx);
        const context& use = t % 2 ? joined : tx;
        try {
          std::size_t mine = 0;
          for (int i = 0; i < per_thread; ++i) {
            const auto c =
                m.create(dto{.email = "t" + std::to_string(t) + "-" + std::to_string(i) + "@s.io",
                             .addresses = address_list{{.is_default_shipping = true}}},
                         use);
            ++mine;
            if (m.retrieve(c.id, {}, use).default_shipping_address_id != c.addresses->front().id)
              f.add("a transaction's own address is not the default");
            const auto count = m.list_and_count({}, {}, use).second;
            if (count < mine) f.add("the transaction lost a write");
            if (!m.list({}, {}, context{}).empty()) f.add("a write showed before the commit");
          }
        } catch (const std::exception& e) {
          f.add(std::string("unexpected exception: ") + e.what());
        }
      });
    }
  }
  BOOST_CHECK_MESSAGE(f.count() == 0, f.count() << " failures:" << f.summary());
  const auto expected = static_cast<std::size_t>(thread_count * per_thread);
  BOOST_CHECK_EQUAL(m.list_and_count({}, {}, tx).second, expected);
  BOOST_CHECK(m.list().empty());
  m.commit(tx);
  BOOST_CHECK_EQUAL(m.list_and_count().second, expected);
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, expected);
}

// Writers are not starved by a steady stream of overlapping reads (a reader-preferring latch
// let 100 writes take minutes under 3 readers). Bounded: the readers stop after a hard cap, so
// a failure never hangs.
BOOST_AUTO_TEST_CASE(writes_progress_under_continuous_reads) {
  customer_module m;
  for (int i = 0; i < 50; ++i) m.create(dto{.email = "seed" + std::to_string(i) + "@s.io"});
  const auto id = m.list(where("email") == "seed1@s.io").front().id;
  const int reader_threads =
      static_cast<int>(std::max(3u, std::thread::hardware_concurrency() + 1));
  const auto hard_cap = std::chrono::steady_clock::now() + std::chrono::seconds(30);

  std::atomic<bool> stop{false};
  std::chrono::milliseconds elapsed{};
  {
    std::vector<std::jthread> readers;
    for (int r = 0; r < reader_threads; ++r)
      readers.emplace_back([&] {
        while (!stop && std::chrono::steady_clock::now() < hard_cap) (void)m.list_and_count();
      });
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) m.update(id, {.first_name = std::to_string(i)});
    elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    stop = true;
  }
  // Uncontended, 100 writes take a few milliseconds even in a ThreadSanitizer build.
  BOOST_CHECK_MESSAGE(elapsed < std::chrono::seconds(10),
                      "100 writes took " << elapsed.count() << " ms under " << reader_threads
                                         << " continuous readers");
}

BOOST_AUTO_TEST_SUITE_END()

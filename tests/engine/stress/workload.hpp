// The stress test's workload: writers that run random operations (auto-commit and in
// transactions, committed, rolled back or lost to a conflict) and keep what they own for the
// replay, and readers that check the invariants (invariants.hpp) while they run.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/stress/invariants.hpp"

namespace customerdb::testing::stress {

using dto = create_customer_dto;
using address_list = std::vector<create_customer_address_dto>;

inline constexpr int writer_count = 3;
inline constexpr int reader_count = 2;
inline constexpr int shared_email_count = 4;

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

}  // namespace customerdb::testing::stress

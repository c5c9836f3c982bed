// customerdb::context: the seed's `sharedContext`, a transaction that groups calls.
//
//   auto tx = module.begin_transaction();
//   auto c = module.create({.email = "a@b.c"}, tx);     // visible to tx only
//   module.update(c.id, {.first_name = "Ann"}, tx);
//   module.commit(tx);                                   // now visible to everyone
//
// Calls made with a context see their own writes (lists, counts, q, relations, selectors) and
// nobody else sees them until commit. Each call is still atomic within the transaction: a call
// that throws leaves the transaction as it was before the call. A call without a context is a
// transaction of its own. Reads see the latest committed rows plus the transaction's own writes.
// Commit fails with `conflict` and applies nothing when a row this transaction wrote (or
// created, or deleted) was changed by a transaction that committed after this one began (first
// committer wins; so a read-modify-write of one row inside a transaction is safe), and it
// re-checks the unique rules against the committed state.
//
// A context that began a transaction owns it: destroying it without commit rolls back. A context
// made with begin_transaction(parent) joins the parent's transaction (as Medusa's shared context
// does): calls through it run in the same transaction, and commit/rollback through it do
// nothing, leaving the decision to the owner.
//
// Thread-compatible: one context may be used from several threads (calls through it are
// serialized), but not moved or destroyed while in use.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

namespace customerdb {

namespace detail {
class transaction;

// What the engine needs of a call's context: its transaction (null: none) and its deadline.
struct call {
  transaction* tx = nullptr;
  std::optional<std::chrono::steady_clock::time_point> deadline;
};
}  // namespace detail

struct transaction_options {
  // Past this point any use of the transaction, commit included, fails with `conflict`, and
  // its writes are discarded.
  std::optional<std::chrono::steady_clock::time_point> deadline{};
};

class context {
 public:
  // No transaction: each call commits on its own.
  context() noexcept;
  context(context&&) noexcept;
  context& operator=(context&&) noexcept;
  context(const context&) = delete;
  context& operator=(const context&) = delete;
  // An owning context that was neither committed nor rolled back rolls back here.
  ~context();

  // True when calls through this context run in a transaction.
  bool has_transaction() const noexcept { return tx_ != nullptr; }
  // True when this context began its transaction (commit and rollback act through it).
  bool owns_transaction() const noexcept { return owner_; }

  // A context for the same transaction as this one (joining it, never owning it: commit and
  // rollback through it do nothing), or for none, whose calls each fail with `timed_out`
  // "The call ran past its deadline and was stopped; it changed nothing" once `deadline` has
  // passed: checked when the call starts and every few hundred rows of its scans, sorts and
  // answer building, so a call stops within about a millisecond of its deadline.
  context with_deadline(std::chrono::steady_clock::time_point deadline) const;
  // The deadline set by with_deadline, if any.
  std::optional<std::chrono::steady_clock::time_point> deadline() const noexcept {
    return deadline_;
  }

 private:
  friend class customer_module;
  context(std::shared_ptr<detail::transaction> tx, bool owner) noexcept;

  std::shared_ptr<detail::transaction> tx_;
  bool owner_ = false;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
};

}  // namespace customerdb

// transaction_registry: the explicit transactions of the wire protocol (beginTransaction,
// commitTransaction, rollbackTransaction; docs/protocol.md, "Transactions"), by their ids.
//
// Contract:
//   - begin() opens a transaction in the module with a deadline (now + its timeout) and returns
//     its id: "tx_" + 32 hex digits from the kernel's random generator, so ids cannot be guessed.
//   - find() gives the context of an id for calls made in the transaction; commit() and
//     rollback() end it. The registry does not check deadlines on use: the engine refuses a
//     transaction past its deadline ("Transaction has expired").
//   - An ended transaction (committed, rolled back, a failed commit, or expired and rolled back
//     by sweep()) stays for `tombstone_ttl` as a tombstone, so that a late use of its id gets
//     the engine's own conflict message ("Transaction has expired", "Transaction is no longer
//     active"); then it is forgotten and its id is unknown. A tombstone keeps only that message:
//     the transaction itself (its write set, which may hold rows the store no longer has) goes
//     at its end, once no call holds its context.
//   - sweep() rolls back the transactions past their deadline (freeing their writes) and
//     forgets old tombstones, at most once a second; the dispatcher calls it before each request.
//   - Limits (transaction_limits) bound what open transactions hold: their number (begin()
//     refuses one more), the timeout one may ask for (checked by the caller, see max_timeout()),
//     and the bytes of params their write calls sent, per transaction and in total (find() with
//     write_bytes refuses the call that would go over). A transaction's bytes count from its
//     begin to its end (commit, rollback, expiry), failed calls included; an ended transaction
//     no longer counts toward any limit.
//   - close() rolls back every transaction and forgets them all (clean shutdown); destroying
//     the registry rolls back the transactions still open.
//
// Errors: find(), commit() and rollback() throw customerdb::error (conflict) "Transaction <id>
// was not found" for an id never issued or already forgotten, and the tombstone's message for
// an ended one; begin() and find() throw not_allowed with the messages of transaction_limits
// when a limit would be passed; commit() and rollback() throw the engine's errors (conflict
// for an expired transaction, and commit's conflicts and unique rules), after which the
// transaction is over. begin() throws what the module's begin_transaction throws.
//
// Thread-safe: every member may be called from any number of threads at once. One mutex guards
// the table, held only to look up, insert or erase entries (and by close()); the engine's commit
// and rollback run outside it. A context from find() stays valid while its pointer is held,
// even if the transaction ends or is forgotten meanwhile.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "customerdb/customer_module.hpp"

namespace customerdb::server {

// What open transactions may hold (docs/protocol.md, "Limits"). Each refusal is a
// customerdb::error with code not_allowed; the transaction is left as it was.
struct transaction_limits {
  // The timeout of a transaction whose beginTransaction gives none.
  std::chrono::milliseconds default_timeout{30'000};
  // The longest timeout beginTransaction may ask for.
  std::chrono::milliseconds max_timeout{600'000};
  // Open transactions at once; one more is refused with "Too many open transactions: at most
  // <N> may be open at once; commit or roll back one first".
  std::size_t max_open = 1000;
  // Bytes of params (as compact JSON) the write calls of one transaction may send; the call
  // that would pass it is refused with "Transaction write limit reached: the write calls of a
  // transaction may send at most <N> bytes; commit it or roll it back".
  std::size_t max_bytes = 64u << 20;
  // The same, over every open transaction; refused with "Open transactions' write limit
  // reached: the write calls of all open transactions may send at most <N> bytes; retry once
  // some have ended".
  std::size_t max_total_bytes = std::size_t{1} << 30;
};

class transaction_registry {
 public:
  using clock = std::chrono::steady_clock;

  // Ended transactions are forgotten this long after their end (then their ids are unknown).
  static constexpr std::chrono::minutes tombstone_ttl{1};

  // REQUIRES: `module` outlives the registry; 0 < default_timeout <= max_timeout; every
  // other limit at least 1.
  transaction_registry(customer_module& module, transaction_limits limits);
  ~transaction_registry();
  transaction_registry(const transaction_registry&) = delete;
  transaction_registry& operator=(const transaction_registry&) = delete;

  // The longest timeout begin() accepts.
  std::chrono::milliseconds max_timeout() const noexcept { return limits_.max_timeout; }

  // Begins a transaction that expires `timeout` from now (nullopt: the default timeout) and
  // returns its id. When max_open are open, expired ones are rolled back first; if none was,
  // refuses (not_allowed). REQUIRES: 0 < *timeout <= max_timeout().
  std::string begin(std::optional<std::chrono::milliseconds> timeout);

  // The context of transaction `id`, for calls made in it. A write call passes the bytes of
  // its params: they are counted toward the limits, or the call is refused (not_allowed) and
  // nothing is counted; before refusing for the total, expired transactions are rolled back.
  // For an ended transaction, throws its tombstone's message (conflict).
  std::shared_ptr<const context> find(std::string_view id, std::size_t write_bytes = 0);

  // Open transactions, the bytes their write calls sent, and the transactions the registry
  // still holds (open ones, and ended ones whose last call has not returned), for tests.
  std::size_t open_count();
  std::size_t open_bytes();
  std::size_t held_transactions();

  // Commits transaction `id`; it is over even when the commit fails.
  void commit(std::string_view id);
  // Rolls back transaction `id`; fails with conflict when it has expired or already ended.
  void rollback(std::string_view id);

  // Rolls back expired transactions and forgets old tombstones, unless it ran less than a
  // second ago.
  void sweep();

  // Rolls back every transaction and forgets them all.
  void close();

 private:
  struct entry;

  using held = std::shared_ptr<context>;

  std::shared_ptr<entry> lookup(std::string_view id);
  // The context of `t`; throws the tombstone's message when it has ended.
  held live_context(entry& t);
  // Marks `t` ended (once) with the engine's message for a later use of `ctx`, its context,
  // and lets go of the transaction.
  void mark_ended(entry& t, const context& ctx);
  // REQUIRES: mutex_ held. Marks `t` ended (once) with `message`: it no longer counts as open,
  // and its context is released (returned, to be destroyed once mutex_ is released).
  held end_locked(entry& t, std::string message);
  // REQUIRES: mutex_ held. Ends the transactions past their deadline and returns their
  // contexts (to roll back once mutex_ is released), and forgets old tombstones.
  std::vector<held> take_expired_locked(clock::time_point now);
  void roll_back_expired(const std::vector<held>& expired);
  // sweep() without its once-a-second rate, for a limit about to refuse.
  void roll_back_expired_now();

  customer_module& module_;
  const transaction_limits limits_;
  // Guards transactions_, every entry's members but deadline, open_, open_bytes_, last_sweep_.
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<entry>> transactions_;
  std::size_t open_ = 0;        // begun (or being begun) and not ended
  std::size_t open_bytes_ = 0;  // the bytes of the open ones
  clock::time_point last_sweep_ = clock::now();
};

}  // namespace customerdb::server

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
//     active"); then it is forgotten and its id is unknown.
//   - sweep() rolls back the transactions past their deadline (freeing their writes) and
//     forgets old tombstones, at most once a second; the dispatcher calls it before each request.
//   - close() rolls back every transaction and forgets them all (clean shutdown); destroying
//     the registry rolls back the transactions still open.
//
// Errors: find(), commit() and rollback() throw customerdb::error (conflict) "Transaction <id>
// was not found" for an id never issued or already forgotten; commit() and rollback() throw the
// engine's errors (conflict for an expired or ended transaction, and commit's conflicts and
// unique rules), after which the transaction is over. begin() throws what the module's
// begin_transaction throws.
//
// Thread-safe: every member may be called from any number of threads at once. One mutex guards
// the table, held only to look up, insert or erase entries (and by close()); the engine's commit
// and rollback run outside it. A context from find() stays valid while its pointer is held,
// even if the transaction ends or is forgotten meanwhile.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "customerdb/customer_module.hpp"

namespace customerdb::server {

class transaction_registry {
 public:
  using clock = std::chrono::steady_clock;

  // Ended transactions are forgotten this long after their end (then their ids are unknown).
  static constexpr std::chrono::minutes tombstone_ttl{10};

  // REQUIRES: `module` outlives the registry; 0 < default_timeout <= max_timeout.
  transaction_registry(customer_module& module, std::chrono::milliseconds default_timeout,
                       std::chrono::milliseconds max_timeout);
  ~transaction_registry();
  transaction_registry(const transaction_registry&) = delete;
  transaction_registry& operator=(const transaction_registry&) = delete;

  // The longest timeout begin() accepts.
  std::chrono::milliseconds max_timeout() const noexcept { return max_timeout_; }

  // Begins a transaction that expires `timeout` from now (nullopt: the default timeout) and
  // returns its id. REQUIRES: 0 < *timeout <= max_timeout().
  std::string begin(std::optional<std::chrono::milliseconds> timeout);

  // The context of transaction `id`, for calls made in it.
  std::shared_ptr<const context> find(std::string_view id);

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

  std::shared_ptr<entry> lookup(std::string_view id);
  void mark_ended(entry& t);

  customer_module& module_;
  const std::chrono::milliseconds default_timeout_;
  const std::chrono::milliseconds max_timeout_;
  std::mutex mutex_;  // guards transactions_, every entry's ended_at and last_sweep_
  std::unordered_map<std::string, std::shared_ptr<entry>> transactions_;
  clock::time_point last_sweep_ = clock::now();
};

}  // namespace customerdb::server

// customerdb::customer_module: Medusa's Customer Module service (ICustomerModuleService) as an
// in-memory engine. Every method of the seed is here under its snake_case name; the seed's
// `delete` is `delete_customers` (`delete` is a C++ keyword), matching
// `delete_customer_groups` and `delete_addresses`.
//
// Semantics are those of Medusa's module, with the project's decisions D1-D31;
// docs/medusa-compatibility.md lists every deliberate difference.
//
// Errors: every method throws customerdb::error; `code()` is one of
//   not_found     an id or a relationship target does not exist,
//   invalid_data  unknown fields, null in a non-nullable field, bad paging values, unique
//                 violations ("Customer with email: a@b.c, has_account: false, already exists."),
//                 a filter, config or answer past a cap of module_options::limits
//                 (query_limits.hpp),
// and a call that throws has changed nothing: every call is atomic. With a data directory opened
// read-only (persistence_options::read_only), a call that would change something, and
// snapshot(), throw not_allowed "The store is open read-only".
//
// Batch arguments are spans (a std::vector, an array) or braced lists of inputs; a single
// braced input, `create({.email = "a@b.c"})`, picks the single overload.
//
// Id arguments: `id_view` is any string; passing no id at all (nullptr) fails with not_found
// "<entity> - id must be defined". Lists of ids may hold duplicates, which are merged. Pass one
// id as a plain string (`update("cus_1", ...)`): a braced list of one id is ambiguous between
// the single-id and the list overloads.
//
// A call that breaks several rules reports the one Medusa's database meets first (decision
// D19): input checks, then each row's unique rules in the order the call writes its rows, then
// unknown references.
//
// Every method takes a trailing `context` (the seed's sharedContext): with a transaction from
// begin_transaction, the call runs inside it; without, the call is a transaction of its own.
// With a context whose transaction has expired or ended, every method throws conflict.
//
// Thread-safe: calls may be made from any number of threads at once; each call is atomic.
// Readers never wait for a transaction in progress, only for the short publish of a commit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "customerdb/context.hpp"
#include "customerdb/dto.hpp"
#include "customerdb/error.hpp"
#include "customerdb/filter.hpp"
#include "customerdb/find_config.hpp"
#include "customerdb/id_view.hpp"
#include "customerdb/inputs.hpp"
#include "customerdb/persistence_options.hpp"
#include "customerdb/query_limits.hpp"
#include "customerdb/records.hpp"
#include "customerdb/replicated_transaction.hpp"
#include "customerdb/staged_rows.hpp"
#include "customerdb/timestamp.hpp"

namespace customerdb {

namespace detail {
class engine;
}
class customer_module_v2;

// How far a long operation has got: `done` of `total` (0: not known yet) in `phase`.
//   customer_module::import_rows: rows in "journal" (encoding them for the journal, reported
//     at its start only), "inserting" (into the tables), "checking" (references and unique
//     rules), "snapshot" (with import_options::snapshot_instead_of_journal; at start and end).
//   opening a data directory (module_options::open_progress): rows in "snapshot" (the total
//     grows as the snapshot's tables start), then commits in "journal" (no total).
struct progress_report {
  std::string_view phase;
  std::uint64_t done = 0;
  std::uint64_t total = 0;
};
// Called from the operation's threads, one call at a time; an exception it throws aborts the
// operation.
using progress_callback = std::function<void(const progress_report&)>;

struct module_options {
  // The clock for created_at / updated_at / deleted_at; customerdb::now when empty.
  // Used by tests to control time.
  std::function<timestamp()> clock;
  // Where and how the data is kept on disk; by default in memory only.
  persistence_options persistence{};
  // Called now and then while the constructor recovers the store from the data directory.
  progress_callback open_progress{};
  // Caps on the work of one call (query_limits.hpp); past one, the call fails with
  // invalid_data before it starts working.
  query_limits limits{};
  // How many long reads (reads outside a transaction that visit more than a few dozen rows)
  // work at once; others wait their turn, and past 2 ms a read hands its turn on to one that
  // waits. 0: one less than the hardware threads, at least one, so that a core is left for
  // commits and short reads. More than the cores only lets the operating system preempt reads
  // that hold the store's latch, and commits then wait for them.
  unsigned long_reads = 0;
  // Makes the store a read-only replica of the source named here (a connection string without
  // its password, for messages): every write through the service's methods, an import, mark,
  // rewind and clear throw not_allowed "This store is a read-only replica of <replica_of>:
  // write to the source". Only apply_replicated changes it. Empty: an ordinary store.
  std::string replica_of{};
};

struct import_options {
  // Called now and then with how far the import has got; an exception it throws aborts the
  // import (nothing is added).
  progress_callback progress{};
  // With a data directory, write the rows once, to a snapshot, instead of to the journal and
  // later again to a snapshot: the journal gets a marker of the commit, and the import takes a
  // snapshot before it returns (readers and other commits go on). Much faster for a large
  // import. If that snapshot fails, the import throws io_error with its rows applied, and they
  // are durable only once a later snapshot succeeds (the next scheduled one, or the final one at
  // close): reopening the directory before then is refused with a corruption error naming the
  // commit. Ignored without a data directory.
  bool snapshot_instead_of_journal = false;
  // Set: the import is a replica's initial copy (module_options::replica_of), made from the
  // source as of this position. It is allowed on a replica, takes the rows as apply_replicated
  // does (no Medusa rule is checked; ids must still be new), and its commit carries the
  // position as apply_replicated's does (committed even when there are no rows).
  std::optional<std::uint64_t> source_position{};
};

template <class Dto>
using list_and_count_result = std::pair<std::vector<Dto>, std::size_t>;

class customer_module {
 public:
  customer_module();
  explicit customer_module(module_options options);
  ~customer_module();
  customer_module(const customer_module&) = delete;
  customer_module& operator=(const customer_module&) = delete;

  // ---- Transactions (see context.hpp) ----------------------------------------------------

  // Begins a transaction; the returned context owns it.
  context begin_transaction(const transaction_options& options = {});
  // Joins the transaction `parent` carries (the result does not own it); with a parent without
  // a transaction, begins a new one.
  context begin_transaction(const context& parent, const transaction_options& options = {});
  // Commits the transaction `ctx` owns. Throws conflict when another transaction that committed
  // after this one began changed a row this one wrote, when a row it refers to was deleted
  // meanwhile, when the transaction expired or is no longer active; invalid_data when a unique rule
  // no longer holds. On any failure nothing is applied and the transaction is over. Does nothing
  // for a joined context or a context without a transaction.
  void commit(context& ctx);
  // Discards the transaction `ctx` owns. Does nothing for a joined context or a context
  // without a transaction.
  void rollback(context& ctx);
  // Does nothing when `ctx` has no transaction or its transaction is active; throws conflict
  // "Transaction has expired" or "Transaction is no longer active" otherwise.
  void check_transaction(const context& ctx) const;

  // ---- Customers -------------------------------------------------------------------------

  // Returns the customer with `id`. A soft-deleted customer is found only with
  // `config.with_deleted`; `take: 0`, or a skip with a take, finds nothing (decision D21).
  // Throws not_found "Customer with id: <id> was not found", or "customer - id must be
  // defined"; invalid_data for a bad config (as list).
  customer retrieve(id_view id, const find_config& config = {}, const context& ctx = {}) const;

  // Creates one customer, with its `addresses` when given. Returns it as stored, with
  // `addresses` set to the created addresses when the input had them (decision D8).
  // Throws invalid_data when (email, has_account) is taken by a live customer, when a given id
  // is taken, or when the addresses break the one-default-per-customer rule.
  customer create(const create_customer_dto& data, const context& ctx = {});
  // Creates customers in one atomic step; returns them in input order. `{}` returns `{}`.
  std::vector<customer> create(std::span<const create_customer_dto> data, const context& ctx = {});
  std::vector<customer> create(std::initializer_list<create_customer_dto> data,
                               const context& ctx = {}) {
    return create(std::span(data.begin(), data.size()), ctx);
  }

  // Updates the live customer `id`. Throws not_found `Customer with id "<id>" not found`;
  // invalid_data for null in has_account or a unique violation.
  customer update(id_view id, const customer_updatable_fields& data, const context& ctx = {});
  // Updates every listed live customer; returns them ordered by id. Throws not_found naming
  // every missing id (`Customer with id "a, b" not found`) and changes nothing.
  std::vector<customer> update(const std::vector<std::string>& ids,
                               const customer_updatable_fields& data, const context& ctx = {});
  // Updates every live customer matching `selector` (no cap, decision D3); returns them
  // ordered by id; `[]` when nothing matches.
  std::vector<customer> update(const filter& selector, const customer_updatable_fields& data,
                               const context& ctx = {});

  // Hard-deletes customers (soft-deleted or not, decision D5) with their addresses and
  // memberships. Unknown ids are ignored.
  void delete_customers(id_view id, const context& ctx = {});
  void delete_customers(const std::vector<std::string>& ids, const context& ctx = {});
  // Deletes every customer the selector matches (live ones unless it names deleted_at). A
  // selector with `search` (q) fails with invalid_data (decision D27).
  void delete_customers(const filter& selector, const context& ctx = {});

  // Lists customers: default take 15 (none with a top-level id condition), default order id
  // ascending, soft-deleted hidden unless `with_deleted` or a `deleted_at` condition anywhere
  // in the filter (filter.hpp, find_config.hpp).
  // Throws invalid_data for unknown fields, relations or bad paging values.
  std::vector<customer> list(const filter& filters = {}, const find_config& config = {},
                             const context& ctx = {}) const;
  // As list, with the number of all matches (ignoring skip and take).
  list_and_count_result<customer> list_and_count(const filter& filters = {},
                                                 const find_config& config = {},
                                                 const context& ctx = {}) const;

  // Soft-deletes the live customers among `ids` and returns {"customer_id": [ids changed]}
  // ({} when none changed). Unknown or already deleted ids are skipped.
  linkable_ids soft_delete(const std::vector<std::string>& ids,
                           const soft_delete_config& config = {}, const context& ctx = {});
  linkable_ids soft_delete(id_view id, const soft_delete_config& config = {},
                           const context& ctx = {});
  // Restores the customers among `ids` (deleted or not; all are touched) and returns
  // {"customer_id": [every id found]}. Throws invalid_data when a restored customer's
  // (email, has_account) is now taken by a live customer.
  linkable_ids restore(const std::vector<std::string>& ids, const soft_delete_config& config = {},
                       const context& ctx = {});
  linkable_ids restore(id_view id, const soft_delete_config& config = {}, const context& ctx = {});

  // ---- Customer groups -------------------------------------------------------------------

  // Creates a group. Throws invalid_data `Customer group with name: <name>, already exists.`
  // when a live group has the name (decision D2), or when a given id is taken.
  customer_group create_customer_group(const create_customer_group_dto& data,
                                       const context& ctx = {});
  std::vector<customer_group> create_customer_group(std::span<const create_customer_group_dto> data,
                                                    const context& ctx = {});
  std::vector<customer_group> create_customer_group(
      std::initializer_list<create_customer_group_dto> data, const context& ctx = {}) {
    return create_customer_group(std::span(data.begin(), data.size()), ctx);
  }

  // As retrieve: not_found "CustomerGroup with id: <id> was not found".
  customer_group retrieve_customer_group(id_view id, const find_config& config = {},
                                         const context& ctx = {}) const;

  // As update: not_found `CustomerGroup with id "<ids>" not found`; invalid_data on a name clash.
  customer_group update_customer_groups(id_view id, const customer_group_updatable_fields& data,
                                        const context& ctx = {});
  std::vector<customer_group> update_customer_groups(const std::vector<std::string>& ids,
                                                     const customer_group_updatable_fields& data,
                                                     const context& ctx = {});
  std::vector<customer_group> update_customer_groups(const filter& selector,
                                                     const customer_group_updatable_fields& data,
                                                     const context& ctx = {});

  // Hard-deletes groups with their memberships; unknown ids are ignored.
  void delete_customer_groups(id_view id, const context& ctx = {});
  void delete_customer_groups(const std::vector<std::string>& ids, const context& ctx = {});
  void delete_customer_groups(const filter& selector, const context& ctx = {});

  std::vector<customer_group> list_customer_groups(const filter& filters = {},
                                                   const find_config& config = {},
                                                   const context& ctx = {}) const;
  list_and_count_result<customer_group> list_and_count_customer_groups(
      const filter& filters = {}, const find_config& config = {}, const context& ctx = {}) const;

  // As soft_delete / restore, with the key "customer_group_id". Nothing cascades.
  linkable_ids soft_delete_customer_groups(const std::vector<std::string>& ids,
                                           const soft_delete_config& config = {},
                                           const context& ctx = {});
  linkable_ids soft_delete_customer_groups(id_view id, const soft_delete_config& config = {},
                                           const context& ctx = {});
  linkable_ids restore_customer_groups(const std::vector<std::string>& ids,
                                       const soft_delete_config& config = {},
                                       const context& ctx = {});
  linkable_ids restore_customer_groups(id_view id, const soft_delete_config& config = {},
                                       const context& ctx = {});

  // ---- Memberships -----------------------------------------------------------------------

  // Adds the customer to the group and returns the membership id ("cusgc_..."). A pair that is
  // already a member returns the existing id (decision D6). Throws not_found `You tried to set
  // relationship customer_id: <id>, but such entity does not exist` (or customer_group_id).
  std::string add_customer_to_group(const group_customer_pair& pair, const context& ctx = {});
  std::vector<std::string> add_customer_to_group(std::span<const group_customer_pair> pairs,
                                                 const context& ctx = {});
  std::vector<std::string> add_customer_to_group(std::initializer_list<group_customer_pair> pairs,
                                                 const context& ctx = {}) {
    return add_customer_to_group(std::span(pairs.begin(), pairs.size()), ctx);
  }

  // Removes every live membership of each pair; pairs that are not members are ignored.
  void remove_customer_from_group(const group_customer_pair& pair, const context& ctx = {});
  void remove_customer_from_group(std::span<const group_customer_pair> pairs,
                                  const context& ctx = {});
  void remove_customer_from_group(std::initializer_list<group_customer_pair> pairs,
                                  const context& ctx = {}) {
    remove_customer_from_group(std::span(pairs.begin(), pairs.size()), ctx);
  }

  std::vector<customer_group_customer> list_customer_group_customers(const filter& filters = {},
                                                                     const find_config& config = {},
                                                                     const context& ctx = {}) const;

  // ---- Addresses -------------------------------------------------------------------------

  // Adds addresses. Throws invalid_data `Customer address with customer_id: <id>, already
  // exists.` when a customer would have two default shipping (or billing) addresses, not_found
  // `You tried to set relationship customer_id: <id>, ...` for an unknown customer, and
  // invalid_data when customer_id is missing.
  customer_address add_addresses(const create_customer_address_dto& data, const context& ctx = {});
  std::vector<customer_address> add_addresses(std::span<const create_customer_address_dto> data,
                                              const context& ctx = {});
  std::vector<customer_address> add_addresses(
      std::initializer_list<create_customer_address_dto> data, const context& ctx = {}) {
    return add_addresses(std::span(data.begin(), data.size()), ctx);
  }

  // Updates addresses: not_found `Address with id "<ids>" not found`; the default rule and the
  // customer_id check as for add_addresses.
  customer_address update_addresses(id_view id, const update_customer_address_dto& data,
                                    const context& ctx = {});
  std::vector<customer_address> update_addresses(const std::vector<std::string>& ids,
                                                 const update_customer_address_dto& data,
                                                 const context& ctx = {});
  std::vector<customer_address> update_addresses(const filter& selector,
                                                 const update_customer_address_dto& data,
                                                 const context& ctx = {});

  // Hard-deletes addresses; unknown ids are ignored.
  void delete_addresses(id_view id, const context& ctx = {});
  void delete_addresses(const std::vector<std::string>& ids, const context& ctx = {});
  void delete_addresses(const filter& selector, const context& ctx = {});

  // Lists addresses: as list; addresses soft-deleted through the v2 interface (or imported so)
  // are hidden unless `with_deleted`.
  std::vector<customer_address> list_addresses(const filter& filters = {},
                                               const find_config& config = {},
                                               const context& ctx = {}) const;
  list_and_count_result<customer_address> list_and_count_addresses(const filter& filters = {},
                                                                   const find_config& config = {},
                                                                   const context& ctx = {}) const;

 // ---- Store ------------------------------------------------------------------------------

  // Writes a snapshot of the committed state to the data directory now and returns it once it
  // is durable. Throws invalid_data "Snapshots need a data directory" when the module has no
  // data directory, io_error when the snapshot cannot be written (the previous one stays).
  snapshot_info snapshot();

  // Adds every row of `records` exactly as given (ids, timestamps, soft deletion) as one
  // commit: all or nothing. Throws invalid_data for a duplicate id (within `records` or with
  // the store), a unique rule broken (D1, group names, one default address of each kind), or
  // an address or membership whose customer or group is missing from both; nothing is added
  // then.
  void import_records(record_set records);
  // The same for rows staged beforehand (staged_rows.hpp), which lets a large import hold each
  // row once, with progress and durability as `options` say.
  void import_rows(staged_rows rows, const import_options& options = {});

  // Adds every row of another store as import_rows does (one commit, all or nothing, the same
  // rules and errors): `source` is a data directory, read as persistence_options::read_only
  // reads one (nothing in it changes), or a snapshot file. For loading a fixture saved by
  // `customerdb import --data` or snapshot(). Throws io_error when it cannot be read ("Cannot
  // open <path>: No such file or directory", "<dir> is not a data directory: ..."), corruption
  // when it is damaged, and as import_rows.
  // Returns the rows added.
  std::size_t import_store(const std::filesystem::path& source, const import_options& options = {});
  // Calls `visit` for every row of the store the data directory `options.data_dir` holds, in
  // export_records' order, straight from its newest snapshot, without loading a store, when that
  // snapshot holds every commit (nothing in the journal follows it), and returns true. Returns
  // false, having called `visit` for nothing, when it does not (commits follow it, or a file is
  // damaged): open the directory read-only and call export_records then. Changes nothing in
  // the directory. Throws as a read-only open does for a path that is not a data directory,
  // corruption when the snapshot does not decode, and whatever `visit` throws.
  static bool export_snapshot(const persistence_options& options, const record_visitor& visit);
  // Whether `path` is what import_store reads: a directory, or a file that starts as a snapshot
  // file does. Never throws.
  static bool is_store_source(const std::filesystem::path& path) noexcept;
  // Calls `visit` for every committed row (soft-deleted included) of one consistent cut:
  // groups, then customers, then addresses, then memberships, each table in id order. Commits
  // wait until it returns. Throws whatever `visit` throws.
  void export_records(const record_visitor& visit) const;

  // ---- Fixtures: a clean store for every test ------------------------------------------

  // Marks the committed state, to come back to with rewind(); returns its commit sequence. A
  // new mark replaces the previous one. While a mark is set, each commit also keeps the image
  // at the mark of every row it changes (a pointer and the id: rows are shared, not copied).
  std::uint64_t mark();
  // Brings every row changed since the mark back to its state at the mark (rows added since
  // are removed, changed or deleted ones restored, timestamps and all), as one commit, in time
  // proportional to the rows changed since the mark, not to the store; the mark stays, for the
  // next rewind. Returns the rows written back. With a data directory the rewind is journaled
  // like any commit. A transaction begun before the rewind that wrote a row it restores fails
  // its commit with conflict. Throws not_allowed "There is no mark to rewind to: call mark
  // first" without a mark.
  std::size_t rewind();
  // Erases every row, as one commit (so a mark can bring them back); returns how many. Time
  // proportional to the store.
  std::size_t clear();

  // ---- Replicas ----------------------------------------------------------------------------

  // Applies one transaction of the source database (replicated_transaction.hpp) as one commit:
  // its changes in order, rows taken as they are (no Medusa rule checked). Readers see all of
  // it or none of it. With a data directory it is journaled like any commit, with the
  // transaction's source position. A transaction with neither change nor position commits
  // nothing. Throws io_error (nothing applied) when the journal fails. For the replica that
  // keeps the store current (module_options::replica_of); any store may take it.
  void apply_replicated(const replicated_transaction& tx);
  // The source position of the last replicated commit that carried one, kept across reopening
  // the data directory (in the journal and in snapshots); nullopt when there never was one.
  // Thread-safe.
  std::optional<std::uint64_t> source_position() const;
  // The committed row `id` of table `of` as the store holds it (soft-deleted or not), or
  // nullopt: what a replica needs of a row whose update leaves out values it did not change.
  // Thread-safe.
  std::optional<record> stored_row(table_name of, std::string_view id) const;

  // Row counts, commit sequence, memory in use and the last snapshot. Never throws.
  module_stats stats() const;

  // Makes every call in progress fail at its next check (see context::with_deadline), and
  // every later call at once, with `timed_out` "The call was cancelled: the module is shutting
  // down"; such calls change nothing. Commits, rollbacks, snapshots and the destructor still
  // work. For a server that must stop within a bounded time. Thread-safe; cannot be undone.
  void cancel_calls() noexcept;

 // ---- Medusa v2 -------------------------------------------------------------------------

  // The same store through Medusa 2.x's interface (customer_module_v2.hpp): the result refers
  // to this module.
  customer_module_v2 v2() noexcept;

 private:
  friend class customer_module_v2;

  static detail::call call_of(const context& ctx) noexcept {
    return {ctx.tx_.get(), ctx.deadline_};
  }

  query_limits limits_;
  std::unique_ptr<detail::engine> engine_;
};

}  // namespace customerdb

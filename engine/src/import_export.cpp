// customer_module: import and export of records (whole rows), and the engine's bulk insert.
//
// An import inserts its rows straight into the committed tables under the exclusive latch,
// checks them there with the same rules as a commit, and takes them out again when a check
// fails: one pass over the indexes instead of a write set and a publish, so a million
// customers import in seconds. The tables are inserted and checked on three threads. Readers
// wait while an import is inserted, checked and (with a
// data directory) appended to the journal.
#include <boost/tuple/tuple.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <iterator>
#include <optional>
#include <shared_mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "customerdb/customer_module.hpp"
#include "customerdb/persistence/commit_hook.hpp"
#include "customerdb/staged_rows.hpp"
#include "customerdb/persistence/parallel.hpp"
#include "engine.hpp"
#include "error_messages.hpp"
#include "progress_meter.hpp"
#include "rules.hpp"
#include "schema.hpp"
#include "store_records.hpp"

namespace customerdb {

using namespace detail;

namespace detail {
namespace {

// invalid_data "You tried to set relationship <column>: <id>, but such entity does not exist":
// in an import a missing customer or group is bad input, not a missing entity.
error missing_in_import(std::string_view column, std::string_view id) {
  return error(error_code::invalid_data, relationship_missing(column, id).what());
}

template <class>
using counter = std::size_t;

// Stamps unpublished rows with the commit sequence that publishes them.
template <class Row>
void stamp(const row_vector<Row>& rows, std::uint64_t sequence) {
  for (const auto& row : rows) const_cast<Row&>(*row).version = sequence;
}

// Inserts `rows` into `table`, counting in `inserted` the rows that went in; throws
// invalid_data "<Table words> with id: <id>, already exists." at the first id taken.
template <class Row>
void insert_rows(table_for_t<Row>& table, const row_vector<Row>& rows, std::size_t& inserted,
                 progress_meter& meter) {
  table.reserve(table.size() + rows.size());
  meter.each(rows, [&](const row_ptr<Row>& row) {
    if (!table.insert(row))
      throw already_exists(schema_of<Row>().table_words, {{"id", row->id.str()}});
    ++inserted;
  });
}

// Takes the first `inserted` rows of `rows` out of `table` again.
template <class Row>
void take_out(table_for_t<Row>& table, const row_vector<Row>& rows, std::size_t inserted) {
  for (std::size_t i = 0; i < inserted; ++i) table.erase(rows[i]->id);
}

// Throws invalid_data when a row that `row` refers to is not in `v`.
template <class Row>
void require_imported_references(const view& v, const Row& row) {
  for_each_reference(row, [&v](const auto& column, auto referenced, std::string_view id) {
    if (!v.find<typename decltype(referenced)::type>(id)) throw missing_in_import(column.name, id);
  });
}

// The references and unique rules of imported rows, which `v` already holds; one function per
// table, so that the tables are checked in parallel.
void check_imported_groups(const view& v, const row_batch& rows, progress_meter& meter) {
  meter.each(rows.groups, [&](const auto& g) { check_group(v, *g); });
}

void check_imported_customers(const view& v, const row_batch& rows, progress_meter& meter) {
  meter.each(rows.customers, [&](const auto& c) { check_customer(v, *c); });
}

void check_imported_addresses(const view& v, const row_batch& rows, progress_meter& meter) {
  meter.each(rows.addresses, [&](const auto& a) {
    require_imported_references(v, *a);
    check_address(v, *a);
  });
}

void check_imported_memberships(const view& v, const row_batch& rows, progress_meter& meter) {
  meter.each(rows.memberships, [&](const auto& m) {
    require_imported_references(v, *m);
    // One membership per pair (decision D6).
    if (v.memberships_of_pair(m->customer_id, m->customer_group_id).size() > 1)
      throw already_exists(schema_of<membership_row>().table_words,
                           {{"customer_id", m->customer_id.str()},
                            {"customer_group_id", m->customer_group_id.str()}});
  });
}

// Keeps the default address ids stored with the customers right after an import: every
// customer when the import is large, else the imported customers and those of the imported
// addresses.
void refresh_imported_defaults(const store& s, const row_batch& rows) {
  if ((rows.customers.size() + rows.addresses.size()) * 8 > s.customers.size())
    return refresh_all_default_addresses(s);
  for (const auto& c : rows.customers) refresh_default_addresses(s, c->id);
  for (const auto& a : rows.addresses) refresh_default_addresses(s, a->customer_id);
}

// refresh_imported_defaults, or when memory runs out, marks the kept default address ids of the
// customers it concerns unknown (readers then find them among the addresses): the import's
// rows are in the journal by then, and it must not fail.
void refresh_or_forget_imported_defaults(const store& s, const row_batch& rows) noexcept {
  try {
    refresh_imported_defaults(s, rows);
  } catch (...) {
    const auto forget = [&](std::string_view customer_id) {
      if (const auto* slot = s.customers.find_slot(key(customer_id)))
        slot->extra.defaults.valid = false;
    };
    for (const auto& c : rows.customers) forget(c->id);
    for (const auto& a : rows.addresses) forget(a->customer_id);
  }
}

// The ids of staged rows by their text, for the references staged after them to share
// (make_row's find_id). Refers to the rows' text: valid while the rows live.
class staged_ids {
 public:
  template <class Row>
  void add(const row_vector<Row>& rows) {
    auto& ids = of(std::type_identity<Row>{});
    ids.reserve(ids.size() + rows.size());
    for (const auto& row : rows) ids.emplace(row->id.view(), &row->id);
  }
  template <class Row>
  const packed_string* operator()(std::type_identity<Row> referenced, std::string_view id) const {
    const auto& ids = of(referenced);
    const auto found = ids.find(id);
    return found == ids.end() ? nullptr : found->second;
  }

 private:
  using map = std::unordered_map<std::string_view, const packed_string*>;
  map& of(std::type_identity<customer_row>) { return customers_; }
  map& of(std::type_identity<group_row>) { return groups_; }
  const map& of(std::type_identity<customer_row>) const { return customers_; }
  const map& of(std::type_identity<group_row>) const { return groups_; }
  map customers_, groups_;
};

// The records of one table on their way into its staged rows, which have room for them from
// `first` on.
template <class Record>
struct staging {
  staging(const std::vector<Record>& r, row_vector<row_for_t<Record>>& to)
      : records(r), rows(to), first(to.size()) {
    rows.resize(first + records.size());
  }
  // Makes the rows of half `half` (0 or 1) of the records, their references sharing the ids
  // `find_id` finds (make_row).
  template <class FindId>
  void make_half(int half, const FindId& find_id) const {
    const std::size_t middle = records.size() / 2;
    const std::size_t begin = half == 0 ? 0 : middle, end = half == 0 ? middle : records.size();
    for (std::size_t i = begin; i < end; ++i) rows[first + i] = make_row(records[i], 0, find_id);
  }

  const std::vector<Record>& records;
  row_vector<row_for_t<Record>>& rows;
  const std::size_t first;
};

// Makes the rows of each of `tables` (staging), half of each on each of two threads.
template <class FindId, class... Tables>
void stage_in_halves(const FindId& find_id, const Tables&... tables) {
  persistence::run_in_parallel<2>({[&] { (tables.make_half(0, find_id), ...); },
                                   [&] { (tables.make_half(1, find_id), ...); }});
}

// Empties `records`, and frees its memory.
template <class Record>
void free_records(std::vector<Record>& records) {
  std::vector<Record>().swap(records);
}

template <class Row>
void append_rows(row_vector<Row>& to, row_vector<Row>&& from) {
  if (to.empty()) {
    to = std::move(from);
  } else {  // grows geometrically: appending many parts stays linear
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  }
  row_vector<Row>().swap(from);
}

template <class Row>
void visit_table(const view& v, const record_visitor& visit) {
  v.committed().of<Row>().scan(false, false, [&](const slot<Row>& s) {
    visit(record(to_record(*s)));
    return true;
  });
}

// Stages `records` into `rows` (staged_rows::add(record_set&&)): the customers and groups
// first, so that the references of the addresses and memberships share their ids' text from
// the start (a block freed later would stay in the pool). Making a million rows is mostly the
// kernel handing out fresh pages: two threads.
void stage_shared(record_set&& records, row_batch& rows) {
  stage_in_halves(no_shared_ids, staging(records.customer_groups, rows.groups),
                  staging(records.customers, rows.customers));
  free_records(records.customer_groups);
  free_records(records.customers);
  staged_ids ids;
  ids.add(rows.groups);
  ids.add(rows.customers);
  stage_in_halves(ids, staging(records.customer_addresses, rows.addresses),
                  staging(records.customer_group_customers, rows.memberships));
  free_records(records.customer_addresses);
  free_records(records.customer_group_customers);
}

}  // namespace

void engine::import(row_batch rows, const import_options& options) {
  const std::uint64_t total = row_count(rows);
  if (total == 0) {
    if (options.source_position) {  // an empty source: the position alone
      replicated_transaction position_only;
      position_only.source_position = options.source_position;
      apply_replicated(position_only);
    }
    return;
  }
  progress_meter meter(options.progress);
  const bool in_snapshot = options.snapshot_instead_of_journal && durable_;
  std::uint64_t sequence = 0;
  writer_.run_here([&] {
    sequence = store_.sequence + 1;
    if (mark_) {  // a rewind removes the rows again
      mark_->keep_absent(rows.groups);
      mark_->keep_absent(rows.customers);
      mark_->keep_absent(rows.addresses);
      mark_->keep_absent(rows.memberships);
    }
    stamp(rows.groups, sequence);
    stamp(rows.customers, sequence);
    stamp(rows.addresses, sequence);
    stamp(rows.memberships, sequence);
    std::optional<persistence::commit_changes> changes;
    if (hook_ && in_snapshot) {
      changes.emplace(sequence);
      changes->keep_in_snapshot();
    } else if (hook_) {
      meter.start("journal", total);
      changes.emplace(changes_of(rows, sequence));
    }
    if (changes && options.source_position) changes->set_source_position(*options.source_position);
    meter.start("inserting", total);
    auto lock = lock_for_commit();
    if (pinned_.any()) {  // reads pinned before the import do not see its rows
      pinned_.keep_absent(rows.groups);
      pinned_.keep_absent(rows.customers);
      pinned_.keep_absent(rows.addresses);
      pinned_.keep_absent(rows.memberships);
    }
    per_entity<counter> inserted{};
    try {
      // The tables on three threads: ids first, then (all rows in) references and rules. The
      // error reported is the first table's, in table order, as a sequential import would.
      persistence::run_in_parallel<3>(
          {[&] {
             insert_rows<group_row>(store_.groups, rows.groups, inserted.groups, meter);
             insert_rows<customer_row>(store_.customers, rows.customers, inserted.customers,
                                       meter);
           },
           [&] {
             insert_rows<address_row>(store_.addresses, rows.addresses, inserted.addresses,
                                      meter);
           },
           [&] {
             insert_rows<membership_row>(store_.memberships, rows.memberships,
                                         inserted.memberships, meter);
           }});
      meter.flush();
      if (!options.source_position) {  // a replica's copy takes the source's rows as they are
        meter.start("checking", total);
        const view v(store_, nullptr);
        persistence::run_in_parallel<3>({[&] {
                                           check_imported_groups(v, rows, meter);
                                           check_imported_customers(v, rows, meter);
                                         },
                                         [&] { check_imported_addresses(v, rows, meter); },
                                         [&] { check_imported_memberships(v, rows, meter); }});
        meter.flush();
      }
      if (changes) hook_->append(std::move(*changes));
      refresh_or_forget_imported_defaults(store_, rows);
    } catch (...) {
      take_out<membership_row>(store_.memberships, rows.memberships, inserted.memberships);
      take_out<address_row>(store_.addresses, rows.addresses, inserted.addresses);
      take_out<customer_row>(store_.customers, rows.customers, inserted.customers);
      take_out<group_row>(store_.groups, rows.groups, inserted.groups);
      throw;
    }
    store_.sequence = sequence;
    if (options.source_position) store_.source_position = options.source_position;
  });
  committed(sequence);
  if (in_snapshot) {
    meter.start("snapshot", total);
    snapshot();
    meter.add(total);
    meter.flush();
  }
}

}  // namespace detail

// ---- staged_rows ---------------------------------------------------------------------------

staged_rows::staged_rows() : rows_(std::make_unique<row_batch>()) {}
staged_rows::~staged_rows() = default;
staged_rows::staged_rows(staged_rows&&) noexcept = default;
staged_rows& staged_rows::operator=(staged_rows&&) noexcept = default;

void staged_rows::add(const customer_group_record& r) { rows_->groups.push_back(make_row(r)); }
void staged_rows::add(const customer_record& r) { rows_->customers.push_back(make_row(r)); }
void staged_rows::add(const customer_address_record& r) {
  rows_->addresses.push_back(make_row(r));
}
void staged_rows::add(const customer_group_customer_record& r) {
  rows_->memberships.push_back(make_row(r));
}
void staged_rows::add(const record& r) {
  std::visit([&](const auto& x) { add(x); }, r);
}

void staged_rows::add(record_set&& records) {
  auto& rows = *rows_;
  // Should making a row fail (out of memory), the rows staged before stay, and no others.
  const std::array<std::size_t, 4> staged_before{rows.groups.size(), rows.customers.size(),
                                                 rows.addresses.size(), rows.memberships.size()};
  try {
    stage_shared(std::move(records), rows);
  } catch (...) {
    rows.groups.resize(staged_before[0]);
    rows.customers.resize(staged_before[1]);
    rows.addresses.resize(staged_before[2]);
    rows.memberships.resize(staged_before[3]);
    throw;
  }
}

void staged_rows::append(staged_rows&& later) {
  for_each_entity([&](auto row) {
    using row_type = typename decltype(row)::type;
    append_rows(rows_->of<row_type>(), std::move(later.rows_->of<row_type>()));
  });
}

std::size_t staged_rows::size() const noexcept { return row_count(*rows_); }

// ---- customer_module -----------------------------------------------------------------------

void customer_module::import_records(record_set records) {
  staged_rows rows;
  rows.add(std::move(records));
  import_rows(std::move(rows));
}

void customer_module::import_rows(staged_rows rows, const import_options& options) {
  if (!options.source_position) engine_->check_writable();
  engine_->import(std::move(*rows.rows_), options);
}

void customer_module::export_records(const record_visitor& visit) const {
  engine_->read_quiesced([&](const view& v) {
    visit_table<group_row>(v, visit);
    visit_table<customer_row>(v, visit);
    visit_table<address_row>(v, visit);
    visit_table<membership_row>(v, visit);
  });
}

}  // namespace customerdb

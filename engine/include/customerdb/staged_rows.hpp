// customerdb::staged_rows: rows on their way into customer_module::import_rows.
//
// add() turns a record into the store's own row form at once (its text packed, in the store's
// memory pool), so that an import of millions of rows holds each row once instead of first as a
// record and then again as a row. Nothing is checked until the import: ids, references and the
// unique rules are the import's to check, all or nothing.
//
// The rows keep the order they were added in, table by table; that order decides which error an
// import reports first when several rows break a rule.
//
// Thread-compatible: one thread at a time adds to a staged_rows. To stage on several threads,
// give each part its own staged_rows and append() the parts in order.
#pragma once

#include <cstddef>
#include <memory>

#include "customerdb/records.hpp"

namespace customerdb {

namespace detail {
struct row_batch;
}

class staged_rows {
 public:
  staged_rows();
  ~staged_rows();
  staged_rows(staged_rows&&) noexcept;
  staged_rows& operator=(staged_rows&&) noexcept;

  // Adds a copy of `r` as a row of its table.
  void add(const customer_group_record& r);
  void add(const customer_record& r);
  void add(const customer_address_record& r);
  void add(const customer_group_customer_record& r);
  void add(const record& r);
  // Every record of `records`, table by table; `records` is left empty. The references of its
  // addresses and memberships share the text of its customers' and groups' ids (the rows added
  // one at a time above keep copies of their own until the store is next opened), so a large
  // import takes less memory this way. Makes the rows on two threads.
  void add(record_set&& records);

  // Moves the rows of `later` after the rows here, table by table; `later` is empty after.
  void append(staged_rows&& later);

  // The rows staged, of all tables.
  std::size_t size() const noexcept;

 private:
  friend class customer_module;
  std::unique_ptr<detail::row_batch> rows_;
};

}  // namespace customerdb

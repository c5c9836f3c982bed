// Medusa's four customer tables in a PostgreSQL database (customer, customer_group,
// customer_address, customer_group_customer): reading them into a store's rows, and writing a
// store's rows into them (docs/postgres.md). Both go through COPY on one libpq connection.
//
// Schema generations. Medusa's migrations made two shapes of these tables:
//   may_2024  the May 2024 release (the interface of customer_module): customer_address and
//             customer_group_customer have no deleted_at.
//   v2        Medusa v2 (customer_module_v2): both have deleted_at, and the group name is NOT
//             NULL.
// A database's generation is read from the columns present. A table that lacks a column
// customerdb needs, has a column it does not know, or a column of another type is refused
// with the table and column named.
//
// Values: ids, text, booleans, metadata, nulls and soft deletion are carried as they are.
// Timestamps are kept to the millisecond (customerdb's precision, and what Medusa's
// JavaScript sees of a PostgreSQL timestamp): reading truncates microseconds, so a value
// written by Medusa (always whole milliseconds) comes back exactly. Metadata is a JSON object
// (jsonb); its numbers are held as 64-bit integers or doubles (as Medusa's JavaScript holds
// them), and jsonb orders an object's keys its own way (shorter keys first).
//
// Errors: pg_error (pg_error.hpp) for the server and the connection, and for a table or value
// customerdb cannot take (the message names the table, the row's id and the column).
//
// Thread-safety: each call uses its own connection; calls may run concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "customerdb/records.hpp"
#include "customerdb/staged_rows.hpp"

namespace customerdb::postgres {

enum class schema_generation { may_2024, v2 };

// "May 2024" or "v2".
std::string_view to_string(schema_generation g) noexcept;

// Rows per table.
struct table_counts {
  std::size_t customer_groups = 0;
  std::size_t customers = 0;
  std::size_t customer_addresses = 0;
  std::size_t customer_group_customers = 0;

  std::size_t total() const noexcept {
    return customer_groups + customers + customer_addresses + customer_group_customers;
  }
};

// How far a read or a write has got: called after each batch of rows of a table (a few times
// a second at most) and once at the end of each table. An exception it throws ends the call.
struct transfer_progress {
  std::string_view table;   // "customer", ...
  std::uint64_t rows = 0;   // of this table so far
  std::uint64_t bytes = 0;  // COPY text so far, all tables
};
using progress_callback = std::function<void(const transfer_progress&)>;

struct read_result {
  schema_generation generation = schema_generation::v2;
  table_counts rows;
};

// Reads every row of the four tables (soft-deleted ones included) into `rows`, in one
// REPEATABLE READ, READ ONLY transaction: a consistent picture of the database even while it
// is being written to. `conninfo` is a libpq connection string or URL. `rows` gets groups,
// customers, addresses and memberships in that order; nothing is checked against customerdb's
// rules (the import does that). With `snapshot`, the read is made in that exported snapshot
// (SET TRANSACTION SNAPSHOT; a replication slot's, for a replica's initial copy), which must
// stay valid until the call returns. Throws pg_error; `rows` may then hold part of the tables.
read_result read_medusa_tables(const std::string& conninfo, staged_rows& rows,
                               const progress_callback& progress = {},
                               const std::string& snapshot = {});

// What write_medusa_tables does with tables that already hold rows.
enum class non_empty_tables {
  refuse,   // throw pg_error naming the table and its row count; nothing is written
  append,   // add the rows beside them (a clash of ids or unique keys refuses the whole write)
  replace,  // delete their rows first, in the same transaction
};

struct write_options {
  // The generation of the tables created when the database has none of them.
  schema_generation create = schema_generation::v2;
  non_empty_tables non_empty = non_empty_tables::refuse;
  progress_callback progress{};
};

struct write_result {
  schema_generation generation = schema_generation::v2;
  bool created = false;  // whether the tables were created
  table_counts rows;     // written
};

// Writes the rows `records` produces into the four tables in one transaction: all or nothing.
// `records(visit)` must call `visit` for every row, table by table in the order groups,
// customers, addresses, memberships (customer_module::export_records's order). Creates the
// tables with Medusa's DDL of `options.create` (tables, indexes, foreign keys: the end state
// of Medusa's migrations for that generation) when none of them exists. Throws pg_error: the
// server refused (a constraint, a missing table), the tables are not empty (with
// non_empty_tables::refuse), or a row cannot be held by the database's generation (a
// soft-deleted address or membership in May 2024 tables, which have no deleted_at); an
// exception `records` throws propagates. Either way nothing is written.
write_result write_medusa_tables(const std::string& conninfo,
                                 const std::function<void(const record_visitor&)>& records,
                                 const write_options& options = {});

}  // namespace customerdb::postgres

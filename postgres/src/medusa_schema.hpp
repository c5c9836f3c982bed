// Medusa's customer tables as DDL, and what a database holds of them.
//
// The DDL is the end state of Medusa's migrations of the customer module for each generation
// (medusa_tables.hpp): May 2024 (the migrations of January and May 2024) and v2 (all of them,
// through October 2025): the same tables, indexes and foreign keys, with Medusa's names, so that
// Medusa's own code finds what it expects. Medusa's migration bookkeeping is not written: a
// database Medusa will later migrate should get its tables from Medusa (docs/postgres.md).
//
// Thread-compatible (a connection is used by one thread at a time).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "customerdb/postgres/connection.hpp"
#include "customerdb/postgres/medusa_tables.hpp"

namespace customerdb::postgres {

// The statements that make Medusa's four tables of generation g, in two parts: `tables`
// creates them bare (columns, types, defaults, NOT NULL), `keys` adds their primary keys,
// indexes and foreign keys. Run in turn they give Medusa's tables; a bulk load runs `keys`
// after the rows, which builds each index once instead of row by row.
struct medusa_ddl_statements {
  std::vector<std::string> tables;
  std::vector<std::string> keys;
};
medusa_ddl_statements medusa_ddl(schema_generation g);

// The connection's current schema (the first of its search_path that exists): "public".
std::string current_schema(connection& db);

// The generation of the four tables in the connection's current schema (search_path), or
// nullopt when none of them exists. Throws pg_error when only some exist ("the database has
// customer but not customer_address, ..."), or a table lacks a column customerdb needs, has one
// it does not know, or has one of another type (the table and column named).
std::optional<schema_generation> inspect_medusa_tables(connection& db);

}  // namespace customerdb::postgres

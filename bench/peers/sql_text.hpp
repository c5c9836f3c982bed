// The SQL both database peers run, written once: SQLite's copy of Medusa's customer tables and
// indexes (text for jsonb and timestamptz) and the statements of each operation, the way Medusa's data layer asks them (a listAndCount is
// a page query and a count query; `q` is a case-insensitive substring match over the customer's
// searchable columns: email, first_name, last_name, company_name, phone).
//
// Every query that returns customers returns the full row, including the two derived columns
// customerdb's DTO carries (default_billing_address_id, default_shipping_address_id, decision
// D9), looked up through the partial unique indexes on customer_address for the rows of the
// page only (the page is cut in a subquery first).
#pragma once

#include <string>
#include <vector>

namespace customerdb::peers {

enum class dialect { sqlite, postgres };

// SQLite's CREATE TABLE and CREATE INDEX statements of Medusa's tables, in order (PostgreSQL's
// tables are made by customerdb::postgres::write_medusa_tables, with Medusa's own DDL).
std::vector<std::string> sqlite_schema_statements();

// Parameters are $1, $2... (PostgreSQL) or ?1, ?2... (SQLite).
struct query_texts {
  std::string retrieve;         // $1 id
  std::string by_email;         // $1 e-mail
  std::string first_page;       //
  std::string deep_page;        // $1 offset
  std::string group_page;       // $1 group id
  std::string company_page;     // $1 company name
  std::string company_count;    // $1 company name
  std::string search_page;      // $1 pattern '%text%'
  std::string search_count;     // $1 pattern
  std::string insert_customer;  // $1 id, $2 email, $3 first_name, $4 created_at = updated_at
  std::string update_customer;  // $1 id, $2 last_name, $3 updated_at; returns the row
};
query_texts queries(dialect d);

}  // namespace customerdb::peers

// The records (customerdb/records.hpp) as rows of Medusa's tables: which columns each table
// has in a schema generation, the PostgreSQL type each column kind has, and the conversion of
// a record to and from a line of COPY's text format (copy_text.hpp). Everything is driven by
// the one declaration of the columns (customerdb/columns.hpp); a column flagged `v2` exists in
// v2 tables only.
//
// Plain functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "customerdb/columns.hpp"
#include "customerdb/postgres/medusa_tables.hpp"
#include "customerdb/records.hpp"

namespace customerdb::postgres {

// The table of a record type: "customer", ...
template <class Record>
constexpr std::string_view table_of = Record::columns::table;

// Calls f(column) for each column of Record's table in generation g, in declaration order.
template <class Record, class F>
void for_each_table_column(schema_generation g, F&& f) {
  for_each_column<typename Record::columns>([&](const auto& column) {
    using C = std::remove_cvref_t<decltype(column)>;
    if constexpr (C::stored) {
      if (g == schema_generation::v2 || !column.has(column_flag::v2)) f(column);
    }
  });
}

// Medusa's four tables, in the store's order of tables (that of customerdb::table_name and of
// customer_module::export_records): groups, customers, addresses, memberships.
constexpr std::string_view medusa_table_names[] = {
    table_of<customer_group_record>, table_of<customer_record>, table_of<customer_address_record>,
    table_of<customer_group_customer_record>};

// The type of a column kind in Medusa's DDL, as format_type() names it.
template <class Column>
constexpr std::string_view pg_type_of() {
  if constexpr (Column::template is<column_kind::flag>)
    return "boolean";
  else if constexpr (Column::template is<column_kind::json>)
    return "jsonb";
  else if constexpr (Column::template is<column_kind::stamp> ||
                     Column::template is<column_kind::deleted>)
    return "timestamp with time zone";
  else
    return "text";
}

// The select list that reads Record's table in generation g, in column order. Timestamps are
// read as UTC ISO 8601 text with milliseconds (truncated), whatever the session's DateStyle.
template <class Record>
std::string select_list(schema_generation g);

// The column list of a COPY into Record's table: "(id, email, ...)".
template <class Record>
std::string column_list(schema_generation g);

// Appends Record `r` as a line (with its newline) of COPY text for generation g. Throws
// pg_error when g cannot hold it (a soft-deleted address or membership in May 2024 tables).
template <class Record>
void append_line(std::string& out, const Record& r, schema_generation g);

// The record of a row read with select_list<Record>(g): `fields` are its fields in that order.
// Throws pg_error naming the table, the id and the column when a value is not one customerdb
// can hold (a metadata that is not a JSON object, a time outside years 1-9999, a null id).
template <class Record>
Record parse_line(const std::vector<std::optional<std::string>>& fields, schema_generation g);

}  // namespace customerdb::postgres

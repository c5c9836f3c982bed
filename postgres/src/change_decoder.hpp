// change_decoder: the changes of a pgoutput stream (pgoutput.hpp) as the changes of a
// replicated_transaction (customerdb/replicated_transaction.hpp), for Medusa's four tables.
//
//   change_decoder d(stored_row);
//   d.relation(r);                  // each Relation message, as it comes
//   d.insert(i, tx);                // each change, into the source transaction being gathered
//
// Relation messages say which columns a table's rows have; the decoder maps them onto the
// columns of the table's records (customerdb/columns.hpp) by name, and refuses, naming the table
// and the column, a table that is not one of the four, a column customerdb does not know, a
// column it needs that is missing, or a column of another type. The schema generation of each
// table (medusa_tables.hpp) is read from its columns, as the import does.
//
// Values come in PostgreSQL's text format. Timestamps must be in ISO style in UTC (the stream's
// connection sets DateStyle=ISO and TimeZone=UTC): "2024-05-24 10:00:00.123456+00" is read as
// 2024-05-24T10:00:00.123Z (truncated to the millisecond, as the import reads it). A TOASTed
// value an update did not change is not sent; the decoder takes it from the row as the
// transaction so far, or else the store, holds it (`stored_row`).
//
// Errors throw pg_error, naming the table, the row's id and the column where there is one:
//   "the publication sends changes of table public.product, which is not one of Medusa's
//    customer tables"
//   "table public.customer has column loyalty_points, which customerdb does not know"
//   "table public.customer has no column email, which customerdb needs"
//   "table public.customer: column has_account is of type integer, not boolean"
//   "a change of relation 16385, which no Relation message described"
//   "customer cus_1: column metadata: ..." (a value customerdb cannot hold)
//   "customer cus_1: an update left column metadata out (unchanged), and the row is not here"
//
// Thread-compatible: one stream's thread uses it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "customerdb/replicated_transaction.hpp"
#include "pgoutput.hpp"

namespace customerdb::postgres {

class change_decoder {
 public:
  // The store's committed row `id` of table `of`, or nullopt (customer_module::stored_row).
  using row_lookup = std::function<std::optional<record>(table_name of, std::string_view id)>;

  explicit change_decoder(row_lookup stored_row);

  // Takes a Relation message: the relation's columns from now on. Throws pg_error (see above).
  void relation(const pgoutput::relation& r);

  // Adds a change to `tx`, the source transaction being gathered (its changes so far are the
  // first place an unchanged value is looked up). Throws pg_error (see above).
  void insert(const pgoutput::insert& m, replicated_transaction& tx) const;
  void update(const pgoutput::update& m, replicated_transaction& tx) const;
  void remove(const pgoutput::remove& m, replicated_transaction& tx) const;
  void truncate(const pgoutput::truncate& m, replicated_transaction& tx) const;

  // A timestamp's text as PostgreSQL writes it with DateStyle=ISO and TimeZone=UTC, as
  // ISO 8601 to the millisecond ("2024-05-24T10:00:00.123Z"); any other text as it is (for the
  // reader to refuse by name).
  static std::string iso8601_of_pg_timestamp(std::string_view text);

 private:
  // A relation described by a Relation message, mapped onto its table's records.
  struct mapped_relation {
    table_name table;
    std::string qualified_name;  // "public.customer"
    // For each of the record's columns in the generation's order, the relation's column.
    std::vector<std::size_t> source_column;
    std::vector<bool> is_time;         // per record column: a timestamp, converted
    bool v2 = true;                    // the table's generation
    std::size_t relation_columns = 0;  // values in each of the relation's rows
  };

  const mapped_relation& mapped(std::uint32_t relation_id) const;
  record row_of(const mapped_relation& m, const pgoutput::tuple& values,
                const replicated_transaction& tx) const;
  std::string id_of(const mapped_relation& m, const pgoutput::tuple& values) const;

  row_lookup stored_row_;
  std::unordered_map<std::uint32_t, mapped_relation> relations_;
};

}  // namespace customerdb::postgres

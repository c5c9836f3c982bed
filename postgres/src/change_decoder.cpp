#include "change_decoder.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "copy_text.hpp"
#include "customerdb/postgres/pg_error.hpp"
#include "record_lines.hpp"

namespace customerdb::postgres {

namespace {

std::optional<table_name> table_named(std::string_view name) {
  for (std::size_t i = 0; i < std::size(medusa_table_names); ++i)
    if (medusa_table_names[i] == name) return static_cast<table_name>(i);
  return std::nullopt;
}

// The type a column has in Medusa's tables, as an OID of pg_type.
template <class Column>
constexpr std::uint32_t pg_type_oid_of() {
  constexpr std::string_view name = pg_type_of<Column>();
  if constexpr (name == "boolean") return 16;
  if constexpr (name == "jsonb") return 3802;
  if constexpr (name == "timestamp with time zone") return 1184;
  return 25;  // text
}

std::string type_name_of(std::uint32_t oid) {
  switch (oid) {
    case 16:
      return "boolean";
    case 25:
      return "text";
    case 3802:
      return "jsonb";
    case 1184:
      return "timestamp with time zone";
    case 1114:
      return "timestamp without time zone";
    case 1043:
      return "character varying";
    case 23:
      return "integer";
    case 20:
      return "bigint";
    case 114:
      return "json";
    default:
      return fmt::format("the type with OID {}", oid);
  }
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string change_decoder::iso8601_of_pg_timestamp(std::string_view text) {
  // YYYY-MM-DD HH:MM:SS[.ffffff]+00
  if (text.size() < 22 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':' || !text.ends_with("+00"))
    return std::string(text);
  const std::string_view date = text.substr(0, 10);
  const std::string_view time = text.substr(11, 8);
  std::string_view fraction = text.substr(19, text.size() - 19 - 3);
  if (!is_digits(date.substr(0, 4)) || !is_digits(date.substr(5, 2)) ||
      !is_digits(date.substr(8, 2)) || !is_digits(time.substr(0, 2)) ||
      !is_digits(time.substr(3, 2)) || !is_digits(time.substr(6, 2)))
    return std::string(text);
  std::string millis = "000";
  if (!fraction.empty()) {
    if (fraction[0] != '.' || !is_digits(fraction.substr(1))) return std::string(text);
    fraction.remove_prefix(1);
    for (std::size_t i = 0; i < 3 && i < fraction.size(); ++i) millis[i] = fraction[i];
  }
  return fmt::format("{}T{}.{}Z", date, time, millis);
}

change_decoder::change_decoder(row_lookup stored_row) : stored_row_(std::move(stored_row)) {}

void change_decoder::relation(const pgoutput::relation& r) {
  const std::string qualified =
      r.namespace_name.empty() ? r.name : fmt::format("{}.{}", r.namespace_name, r.name);
  const auto table = table_named(r.name);
  if (!table)
    throw pg_error(fmt::format(
        "the publication sends changes of table {}, which is not one of Medusa's customer "
        "tables ({})",
        qualified, fmt::join(medusa_table_names, ", ")));
  const auto position_of = [&](std::string_view name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < r.columns.size(); ++i)
      if (r.columns[i].name == name) return i;
    return std::nullopt;
  };
  mapped_relation m{*table, qualified, {}, {}, true, r.columns.size()};
  with_record_of(*table, [&]<class Record>() {
    // v2 when every column of v2 is there; the checks below name what is missing or extra.
    bool all_v2 = true;
    for_each_table_column<Record>(schema_generation::v2, [&](const auto& column) {
      if (!position_of(column.name)) all_v2 = false;
    });
    m.v2 = all_v2;
    const auto g = all_v2 ? schema_generation::v2 : schema_generation::may_2024;
    std::vector<bool> known(r.columns.size(), false);
    for_each_table_column<Record>(g, [&](const auto& column) {
      using C = std::remove_cvref_t<decltype(column)>;
      const auto at = position_of(column.name);
      if (!at)
        throw pg_error(fmt::format("table {} has no column {}, which customerdb needs", qualified,
                                   column.name));
      if (r.columns[*at].type_oid != pg_type_oid_of<C>())
        throw pg_error(fmt::format("table {}: column {} is of type {}, not {}", qualified,
                                   column.name, type_name_of(r.columns[*at].type_oid),
                                   pg_type_of<C>()));
      known[*at] = true;
      m.source_column.push_back(*at);
      m.is_time.push_back(C::template is<column_kind::stamp> ||
                          C::template is<column_kind::deleted>);
    });
    for (std::size_t i = 0; i < r.columns.size(); ++i)
      if (!known[i])
        throw pg_error(fmt::format("table {} has column {}, which customerdb does not know",
                                   qualified, r.columns[i].name));
  });
  relations_.insert_or_assign(r.relation_id, std::move(m));
}

const change_decoder::mapped_relation& change_decoder::mapped(std::uint32_t relation_id) const {
  const auto it = relations_.find(relation_id);
  if (it == relations_.end())
    throw pg_error(
        fmt::format("a change of relation {}, which no Relation message described", relation_id));
  return it->second;
}

std::string change_decoder::id_of(const mapped_relation& m, const pgoutput::tuple& values) const {
  const auto at = m.source_column.at(0);  // id is every table's first column
  if (at >= values.size() || values[at].kind != pgoutput::value_kind::text)
    throw pg_error(fmt::format("a change of table {} without its id", m.qualified_name));
  return values[at].text;
}

record change_decoder::row_of(const mapped_relation& m, const pgoutput::tuple& values,
                              const replicated_transaction& tx) const {
  if (values.size() != m.relation_columns)
    throw pg_error(fmt::format("a row of table {} with {} values, where it has {} columns",
                               m.qualified_name, values.size(), m.relation_columns));
  const auto g = m.v2 ? schema_generation::v2 : schema_generation::may_2024;
  std::vector<std::optional<std::string>> fields(m.source_column.size());
  std::vector<std::size_t> unchanged;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& v = values[m.source_column[i]];
    if (v.kind == pgoutput::value_kind::text)
      fields[i] = m.is_time[i] ? iso8601_of_pg_timestamp(v.text) : v.text;
    else if (v.kind == pgoutput::value_kind::unchanged)
      unchanged.push_back(i);
  }
  return with_record_of(m.table, [&]<class Record>() -> record {
    if (!unchanged.empty()) {
      // The row as it was: the transaction's own latest write of it, else the store's.
      const std::string id = id_of(m, values);
      // The latest change of the row decides (from the end: a large transaction of such
      // updates does not walk all of itself for each); when it put the row, that is it.
      std::optional<record> before;
      bool decided = false;
      const auto& changes = tx.changes();
      for (auto c = changes.rbegin(); c != changes.rend() && !decided; ++c) {
        if (const auto* put = std::get_if<replicated_transaction::put_row>(&*c)) {
          if (const auto* r = std::get_if<Record>(&put->row); r && r->id == id) {
            before = *r;
            decided = true;
          }
        } else if (const auto* gone = std::get_if<replicated_transaction::delete_row>(&*c)) {
          decided = gone->of == m.table && gone->id == id;
        } else {
          decided = std::get<replicated_transaction::empty_table>(*c).of == m.table;
        }
      }
      if (!before && stored_row_) before = stored_row_(m.table, id);
      if (!before) {
        std::string column;
        std::size_t i = 0;
        for_each_table_column<Record>(g, [&](const auto& c) {
          if (i++ == unchanged.front()) column = c.name;
        });
        throw pg_error(
            fmt::format("{} {}: an update left column {} out (unchanged), and the row is not here",
                        table_of<Record>, id, column));
      }
      // Its fields in text, as a row read from the table would have them.
      std::string line;
      append_line(line, std::get<Record>(*before), g);
      line.pop_back();
      std::vector<std::optional<std::string>> old_fields;
      split_copy_line(line, old_fields);
      for (const auto i : unchanged) fields[i] = std::move(old_fields[i]);
    }
    return parse_line<Record>(fields, g);
  });
}

void change_decoder::insert(const pgoutput::insert& msg, replicated_transaction& tx) const {
  tx.put(row_of(mapped(msg.relation_id), msg.new_tuple, tx));
}

void change_decoder::update(const pgoutput::update& msg, replicated_transaction& tx) const {
  const auto& m = mapped(msg.relation_id);
  auto row = row_of(m, msg.new_tuple, tx);
  if (msg.old_kind != pgoutput::old_tuple_kind::none) {
    // The key changed (or the identity is FULL): the row under its old id is gone.
    const auto old_id = id_of(m, msg.old_tuple);
    if (old_id != id_of(m, msg.new_tuple)) tx.remove(m.table, old_id);
  }
  tx.put(std::move(row));
}

void change_decoder::remove(const pgoutput::remove& msg, replicated_transaction& tx) const {
  const auto& m = mapped(msg.relation_id);
  tx.remove(m.table, id_of(m, msg.old_tuple));
}

void change_decoder::truncate(const pgoutput::truncate& msg, replicated_transaction& tx) const {
  for (const auto id : msg.relation_ids) tx.empty(mapped(id).table);
}

}  // namespace customerdb::postgres

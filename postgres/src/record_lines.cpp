#include "record_lines.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "copy_text.hpp"
#include "customerdb/postgres/pg_error.hpp"
#include "customerdb/timestamp.hpp"

namespace customerdb::postgres {

namespace json = boost::json;

std::string_view to_string(schema_generation g) noexcept {
  return g == schema_generation::v2 ? "v2" : "May 2024";
}

template <class Record>
std::string select_list(schema_generation g) {
  std::string out;
  for_each_table_column<Record>(g, [&](const auto& column) {
    using C = std::remove_cvref_t<decltype(column)>;
    if (!out.empty()) out += ", ";
    if constexpr (C::template is<column_kind::stamp> || C::template is<column_kind::deleted>) {
      // Outside years 1-9999 (infinity included) the value's own text, which parse_line
      // refuses by name.
      out +=
          fmt::format(R"(CASE WHEN extract(year FROM "{0}" AT TIME ZONE 'UTC') BETWEEN 1 AND 9999 )"
                      R"(THEN to_char("{0}" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') )"
                      R"(ELSE "{0}"::text END)",
                      column.name);
    } else {
      out += fmt::format(R"("{}")", column.name);
    }
  });
  return out;
}

template <class Record>
std::string column_list(schema_generation g) {
  std::string out;
  for_each_table_column<Record>(g, [&](const auto& column) {
    out += out.empty() ? "(" : ", ";
    out += fmt::format(R"("{}")", column.name);
  });
  return out + ")";
}

namespace {

void append_value(std::string& out, const std::string& v) { append_copy_field(out, v); }
void append_value(std::string& out, bool v) { out += v ? 't' : 'f'; }
void append_value(std::string& out, const metadata& v) {
  append_copy_field(out, json::serialize(v));
}
void append_value(std::string& out, timestamp v) { out += to_iso8601(v); }

template <class T>
void append_value(std::string& out, const std::optional<T>& v) {
  if (v)
    append_value(out, *v);
  else
    append_copy_null(out);
}

template <class T>
bool is_set(const std::optional<T>& v) {
  return v.has_value();
}
template <class T>
bool is_set(const T&) {
  return true;
}

[[noreturn]] void bad_value(std::string_view table, std::string_view id, std::string_view column,
                            std::string_view what) {
  throw pg_error(
      fmt::format("{} {}: column {}: {}", table, id.empty() ? "(no id)" : id, column, what));
}

// One field into a member of the record, by the member's type.
struct field_reader {
  std::string_view table;
  std::string_view id;
  std::string_view column;

  void read(const std::optional<std::string>& f, std::string& out) const {
    if (!f) bad_value(table, id, column, "is null");
    out = *f;
  }
  void read(const std::optional<std::string>& f, std::optional<std::string>& out) const { out = f; }
  void read(const std::optional<std::string>& f, bool& out) const {
    if (f == "t")
      out = true;
    else if (f == "f")
      out = false;
    else
      bad_value(table, id, column, fmt::format("expected t or f, got {}", f ? *f : "null"));
  }
  void read(const std::optional<std::string>& f, timestamp& out) const {
    if (!f) bad_value(table, id, column, "is null");
    const auto t = parse_iso8601(*f);
    if (!t)
      bad_value(table, id, column,
                fmt::format("{} is not a time customerdb can hold "
                            "(years 1-9999, not infinity)",
                            *f));
    out = *t;
  }
  void read(const std::optional<std::string>& f, std::optional<timestamp>& out) const {
    if (!f) {
      out.reset();
      return;
    }
    timestamp t;
    read(f, t);
    out = t;
  }
  void read(const std::optional<std::string>& f, std::optional<metadata>& out) const {
    if (!f) {
      out.reset();
      return;
    }
    json::error_code ec;
    auto v = json::parse(*f, ec);
    if (ec)
      bad_value(table, id, column, fmt::format("not JSON customerdb can read: {}", ec.message()));
    if (!v.is_object())
      bad_value(table, id, column,
                fmt::format("{} is not a JSON object (customerdb's metadata "
                            "is an object or null)",
                            *f));
    out = std::move(v.as_object());
  }
};

}  // namespace

template <class Record>
void append_line(std::string& out, const Record& r, schema_generation g) {
  bool first = true;
  for_each_column<typename Record::columns>([&](const auto& column) {
    using C = std::remove_cvref_t<decltype(column)>;
    if constexpr (C::stored) {
      const auto& value = column.member(r);
      if (g != schema_generation::v2 && column.has(column_flag::v2)) {
        if constexpr (C::template is<column_kind::deleted>) {
          if (is_set(value))
            throw pg_error(fmt::format(
                "{} {} is soft-deleted, which May 2024 tables (without {}.{}) cannot hold: "
                "write into v2 tables",
                table_of<Record>, r.id, table_of<Record>, column.name));
        }
        return;
      }
      if (!first) out += '\t';
      first = false;
      append_value(out, value);
    }
  });
  out += '\n';
}

template <class Record>
Record parse_line(const std::vector<std::optional<std::string>>& fields, schema_generation g) {
  Record r;
  std::size_t i = 0;
  std::size_t count = 0;
  for_each_table_column<Record>(g, [&](const auto&) { ++count; });
  if (fields.size() != count)
    throw pg_error(fmt::format("{}: a row of {} fields where {} were asked for", table_of<Record>,
                               fields.size(), count));
  const std::string_view id = fields[0] ? std::string_view(*fields[0]) : std::string_view();
  for_each_table_column<Record>(g, [&](const auto& column) {
    field_reader{table_of<Record>, id, column.name}.read(fields[i++], column.member(r));
  });
  return r;
}

#define CUSTOMERDB_RECORD_LINES(Record)                                              \
  template std::string select_list<Record>(schema_generation);                       \
  template std::string column_list<Record>(schema_generation);                       \
  template void append_line<Record>(std::string&, const Record&, schema_generation); \
  template Record parse_line<Record>(const std::vector<std::optional<std::string>>&, \
                                     schema_generation);
CUSTOMERDB_RECORD_LINES(customer_group_record)
CUSTOMERDB_RECORD_LINES(customer_record)
CUSTOMERDB_RECORD_LINES(customer_address_record)
CUSTOMERDB_RECORD_LINES(customer_group_customer_record)
#undef CUSTOMERDB_RECORD_LINES

}  // namespace customerdb::postgres

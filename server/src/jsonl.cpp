#include "customerdb/server/jsonl.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serializer.hpp>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "customerdb/server/json_codec.hpp"
#include "customerdb/timestamp.hpp"
#include "json_fields.hpp"

namespace customerdb::server {

namespace json = boost::json;

namespace {

using namespace detail;  // the JSON field readers (json_fields.hpp)

// ---- Columns -------------------------------------------------------------------------------
// Each record type's columns (customerdb/columns.hpp) are walked in declaration order for
// encoding and decoding; its `type` is its table's name.

template <class R>
constexpr std::string_view record_type_name = R::columns::table;

// Calls f(column, index) for each stored column of R.
template <class R, class F>
void for_each_stored(F&& f) {
  std::size_t i = 0;
  customerdb::for_each_column<typename R::columns>([&](const auto& column) {
    if constexpr (std::remove_cvref_t<decltype(column)>::stored) f(column, i++);
  });
}

template <class R>
constexpr std::size_t stored_count() {
  std::size_t n = 0;
  customerdb::for_each_column<typename R::columns>(
      [&](const auto& column) { n += std::remove_cvref_t<decltype(column)>::stored; });
  return n;
}

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

// ---- Encoding ------------------------------------------------------------------------------

// Appends the JSON text of a string or an object, escaped exactly as Boost.JSON does.
template <class T>
void append_json(std::string& out, const T& v) {
  json::serializer sr;
  sr.reset(v);
  char buffer[1024];
  while (!sr.done()) out.append(sr.read(buffer));
}

void append_string(std::string& out, std::string_view s) { append_json(out, json::string_view(s)); }

void append_timestamp(std::string& out, timestamp t) {
  out += '"';
  out += to_iso8601(t);  // digits and punctuation only: nothing to escape
  out += '"';
}

void append_value(std::string& out, const std::string& s) { append_string(out, s); }
void append_value(std::string& out, bool b) { out += b ? "true" : "false"; }
void append_value(std::string& out, const metadata& m) { append_json(out, &m); }
void append_value(std::string& out, timestamp t) { append_timestamp(out, t); }
template <class T>
void append_value(std::string& out, const std::optional<T>& v) {
  if (v) {
    append_value(out, *v);
  } else {
    out += "null";
  }
}

template <class R>
void encode_columns(const R& r, std::string& out) {
  out += "{\"type\":\"";
  out += record_type_name<R>;
  out += '"';
  for_each_stored<R>([&](const auto& column, std::size_t) {
    out += ",\"";
    out += column.name;  // plain identifiers: nothing to escape
    out += "\":";
    append_value(out, column.member(r));
  });
  out += '}';
}

// ---- Decoding ------------------------------------------------------------------------------

constexpr std::string_view timestamp_example = "2024-05-24T10:00:00.000Z";

timestamp required_timestamp(const json::value& v, std::string_view path) {
  std::optional<timestamp> t;
  if (v.is_string()) t = parse_iso8601(v.get_string());
  if (!t) fail(path, fmt::format("must be a timestamp such as \"{}\"", timestamp_example));
  return *t;
}

std::optional<timestamp> optional_timestamp(const json::value& v, std::string_view path) {
  if (v.is_null()) return std::nullopt;
  std::optional<timestamp> t;
  if (v.is_string()) t = parse_iso8601(v.get_string());
  if (!t) fail(path, fmt::format("must be a timestamp such as \"{}\" or null", timestamp_example));
  return t;
}

void decode_value(std::string& out, const json::value& v, std::string_view path) {
  out = required_string(v, path);
}
void decode_value(std::optional<std::string>& out, const json::value& v, std::string_view path) {
  out = optional_string(v, path);
}
void decode_value(bool& out, const json::value& v, std::string_view path) {
  out = boolean(v, path);
}
void decode_value(std::optional<metadata>& out, const json::value& v, std::string_view path) {
  out = optional_metadata(v, path);
}
void decode_value(timestamp& out, const json::value& v, std::string_view path) {
  out = required_timestamp(v, path);
}
void decode_value(std::optional<timestamp>& out, const json::value& v, std::string_view path) {
  out = optional_timestamp(v, path);
}

template <class R>
R decode_columns(const json::object& o) {
  constexpr std::string_view type = record_type_name<R>;
  R r;
  std::array<bool, stored_count<R>()> seen{};
  std::string path;  // "<type>.<key>", for messages; one buffer for every key
  for (const auto& entry : o) {
    const std::string_view key = entry.key();
    if (key == "type") continue;
    path.assign(type).append(1, '.').append(key);
    bool found = false;
    for_each_stored<R>([&](const auto& column, std::size_t i) {
      if (found || column.name != key) return;
      found = seen[i] = true;
      decode_value(column.member(r), entry.value(), path);
    });
    if (!found) fail(path, fmt::format("is not a column of {}", type));
  }
  for_each_stored<R>([&](const auto& column, std::size_t i) {
    if (!seen[i] && column.has_no_default) fail(child(type, column.name), "is missing");
  });
  return r;
}

template <class R>
bool try_decode(std::string_view type, const json::object& o, record& out) {
  if (type != record_type_name<R>) return false;
  out = decode_columns<R>(o);
  return true;
}

// Deep enough for any metadata worth keeping; Boost.JSON's default is 32.
constexpr std::size_t max_depth = 256;

}  // namespace

jsonl_error::jsonl_error(std::uint64_t line, const std::string& message)
    : error(error_code::invalid_data, fmt::format("line {}: {}", line, message)), line_(line) {}

std::string_view record_type(const record& r) noexcept {
  return std::visit([](const auto& x) { return record_type_name<std::decay_t<decltype(x)>>; }, r);
}

void encode_record(const record& r, std::string& out) {
  std::visit([&](const auto& x) { encode_columns(x, out); }, r);
}

std::string encode_record(const record& r) {
  std::string out;
  encode_record(r, out);
  return out;
}

record decode_record(std::string_view line, std::uint64_t line_number) {
  // The parsed line lives in a buffer that goes with this call; decoding copies out of it.
  unsigned char buffer[8192];
  json::monotonic_resource resource(buffer, sizeof buffer);
  json::parse_options options;
  options.max_depth = max_depth;
  boost::system::error_code ec;
  const json::value v = json::parse(line, ec, &resource, options);
  if (ec) throw jsonl_error(line_number, fmt::format("not valid JSON ({})", ec.message()));
  if (!v.is_object()) throw jsonl_error(line_number, "must be a JSON object");
  const json::object& o = v.get_object();
  const auto type = o.find("type");
  if (type == o.end()) throw jsonl_error(line_number, "type is missing");
  if (!type->value().is_string()) throw jsonl_error(line_number, "type must be a string");
  const std::string_view name = type->value().get_string();
  record out;
  try {
    if (try_decode<customer_group_record>(name, o, out) ||
        try_decode<customer_record>(name, o, out) ||
        try_decode<customer_address_record>(name, o, out) ||
        try_decode<customer_group_customer_record>(name, o, out)) {
      return out;
    }
  } catch (const error& e) {  // a value of the wrong shape (json_fields' fail)
    throw jsonl_error(line_number, e.what());
  }
  throw jsonl_error(line_number, fmt::format("type \"{}\" is not one of customer_group, customer, "
                                             "customer_address, customer_group_customer",
                                             name));
}

void add_record(record_set& set, record r) {
  std::visit(
      overloaded{
          [&](customer_group_record& x) { set.customer_groups.push_back(std::move(x)); },
          [&](customer_record& x) { set.customers.push_back(std::move(x)); },
          [&](customer_address_record& x) { set.customer_addresses.push_back(std::move(x)); },
          [&](customer_group_customer_record& x) {
            set.customer_group_customers.push_back(std::move(x));
          },
      },
      r);
}

// ---- jsonl_reader --------------------------------------------------------------------------

jsonl_reader::jsonl_reader(std::istream& in) : in_(in) {}

bool jsonl_reader::next(record& out) {
  while (std::getline(in_, buffer_)) {
    ++line_;
    bytes_ += buffer_.size() + (in_.eof() ? 0 : 1);
    std::string_view line = buffer_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    out = decode_record(line, line_);
    return true;
  }
  if (in_.bad()) throw std::runtime_error(fmt::format("read error after line {}", line_));
  return false;
}

// ---- jsonl_writer --------------------------------------------------------------------------

namespace {
constexpr std::size_t writer_buffer = 1 << 20;
}

jsonl_writer::jsonl_writer(std::ostream& out) : out_(out) { buffer_.reserve(writer_buffer + 4096); }

jsonl_writer::~jsonl_writer() {
  try {
    drain();
  } catch (...) {  // NOLINT(bugprone-empty-catch): documented; flush() reports errors
  }
}

void jsonl_writer::write(const record& r) {
  const std::size_t before = buffer_.size();
  encode_record(r, buffer_);
  buffer_ += '\n';
  ++rows_;
  bytes_ += buffer_.size() - before;
  if (buffer_.size() >= writer_buffer) drain();
}

void jsonl_writer::flush() {
  drain();
  out_.flush();
  if (!out_) throw std::runtime_error("write error");
}

void jsonl_writer::drain() {
  if (buffer_.empty()) return;
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  if (!out_) throw std::runtime_error("write error");
}

}  // namespace customerdb::server

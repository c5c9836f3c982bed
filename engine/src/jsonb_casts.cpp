// Metadata values as PostgreSQL reads them in Medusa's JSON queries (jsonb_casts.hpp).
#include "jsonb_casts.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "sql_words.hpp"

namespace customerdb::detail {
namespace {

// Whether `s` (not empty) is a prefix of `word`, ignoring ASCII case.
bool is_prefix_of(std::string_view s, std::string_view word) {
  if (s.size() > word.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

// A JSON string as jsonb prints it (PostgreSQL's escape_json).
void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < ' ') {
          static constexpr char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

double number_of(const boost::json::value& v) {
  return v.is_double()  ? v.get_double()
         : v.is_int64() ? static_cast<double>(v.get_int64())
                        : static_cast<double>(v.get_uint64());
}

// An object's entries in jsonb's order: shortest key first, then by bytes.
std::vector<const boost::json::key_value_pair*> jsonb_entries(const boost::json::object& o) {
  std::vector<const boost::json::key_value_pair*> entries;
  entries.reserve(o.size());
  for (const auto& entry : o) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) {
    const std::string_view x = a->key(), y = b->key();
    if (x.size() != y.size()) return x.size() < y.size();
    return x < y;
  });
  return entries;
}

// jsonb's rank of a value's type: null < string < number < boolean < array < object.
int type_rank(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return 0;
    case boost::json::kind::string:
      return 1;
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return 2;
    case boost::json::kind::bool_:
      return 3;
    case boost::json::kind::array:
      return 4;
    case boost::json::kind::object:
      return 5;
  }
  return 0;
}

int sign_of(auto a, auto b) { return a < b ? -1 : b < a ? 1 : 0; }

void append_jsonb(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      out += number_text(number_of(v));
      return;
    case boost::json::kind::string:
      append_quoted(out, v.get_string());
      return;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ", ";
        first = false;
        append_jsonb(out, item);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto* entry : jsonb_entries(v.get_object())) {
        if (!first) out += ", ";
        first = false;
        append_quoted(out, entry->key());
        out += ": ";
        append_jsonb(out, entry->value());
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string number_text(double d) {
  if (d == 0 || !std::isfinite(d)) return "0";  // JSON has no other; -0 is written "0"
  // The shortest digits that read back as `d`, as d1.d2...dn e±x.
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific).ptr;
  const std::string_view sci(buf, static_cast<std::size_t>(end - buf));
  std::string out;
  std::size_t i = 0;
  if (sci[0] == '-') {
    out += '-';
    i = 1;
  }
  const std::size_t e = sci.find('e');
  std::string digits;
  for (std::size_t j = i; j < e; ++j)
    if (sci[j] != '.') digits += sci[j];
  int exponent = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
  const int point = exponent + 1;  // digits before the decimal point
  const int n = static_cast<int>(digits.size());
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out += digits;
  } else if (point >= n) {
    out += digits;
    out.append(static_cast<std::size_t>(point - n), '0');
  } else {
    out.append(digits, 0, static_cast<std::size_t>(point));
    out += '.';
    out.append(digits, static_cast<std::size_t>(point));
  }
  return out;
}

int compare_jsonb(const boost::json::value& a, const boost::json::value& b) {
  const int ra = type_rank(a), rb = type_rank(b);
  if (ra != rb) return sign_of(ra, rb);
  switch (a.kind()) {
    case boost::json::kind::null:
      return 0;
    case boost::json::kind::string:
      return sign_of(std::string_view(a.get_string()), std::string_view(b.get_string()));
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return sign_of(number_of(a), number_of(b));
    case boost::json::kind::bool_:
      return sign_of(a.get_bool(), b.get_bool());
    case boost::json::kind::array: {
      const auto &x = a.get_array(), &y = b.get_array();
      if (x.size() != y.size()) return sign_of(x.size(), y.size());
      for (std::size_t i = 0; i < x.size(); ++i)
        if (const int c = compare_jsonb(x[i], y[i])) return c;
      return 0;
    }
    case boost::json::kind::object:
      return compare_jsonb(a.get_object(), b.get_object());
  }
  return 0;
}

int compare_jsonb(const boost::json::object& a, const boost::json::object& b) {
  if (a.size() != b.size()) return sign_of(a.size(), b.size());
  const auto ea = jsonb_entries(a), eb = jsonb_entries(b);
  for (std::size_t i = 0; i < ea.size(); ++i) {
    if (const int c = sign_of(std::string_view(ea[i]->key()), std::string_view(eb[i]->key())))
      return c;
    if (const int c = compare_jsonb(ea[i]->value(), eb[i]->value())) return c;
  }
  return 0;
}

int compare_jsonb(const boost::json::object& a, const boost::json::value& b) {
  // An object follows every other type.
  return b.is_object() ? compare_jsonb(a, b.get_object()) : 1;
}

std::optional<std::string> jsonb_text(const boost::json::value& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return std::string(v.get_string());
  std::string out;
  append_jsonb(out, v);
  return out;
}

std::optional<double> read_float8(std::string_view text) {
  // PostgreSQL's float8in: leading white space, strtod, trailing white space.
  std::string s(text);
  const char* start = s.c_str();
  while (*start != '\0' && is_sql_space(*start)) ++start;
  if (*start == '\0') return std::nullopt;
  errno = 0;
  char* stop = nullptr;
  double d = std::strtod(start, &stop);
  if (stop == start) return std::nullopt;
  if (errno == ERANGE && (d == 0.0 || std::isinf(d))) return std::nullopt;  // out of range
  while (*stop != '\0' && is_sql_space(*stop)) ++stop;
  if (*stop != '\0') return std::nullopt;
  return d;
}

std::optional<bool> read_bool(std::string_view text) {
  // PostgreSQL's boolin and parse_bool_with_len.
  const std::string_view s = trim_sql_space(text);
  if (s.empty()) return std::nullopt;
  switch (s.front()) {
    case 't':
    case 'T':
      if (is_prefix_of(s, "true")) return true;
      break;
    case 'f':
    case 'F':
      if (is_prefix_of(s, "false")) return false;
      break;
    case 'y':
    case 'Y':
      if (is_prefix_of(s, "yes")) return true;
      break;
    case 'n':
    case 'N':
      if (is_prefix_of(s, "no")) return false;
      break;
    case 'o':
    case 'O':
      // "o" alone is neither; "on" and "of"/"off" are.
      if (s.size() >= 2 && is_prefix_of(s, "on")) return true;
      if (s.size() >= 2 && is_prefix_of(s, "off")) return false;
      break;
    case '1':
      if (s.size() == 1) return true;
      break;
    case '0':
      if (s.size() == 1) return false;
      break;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<double> cast_float8(const boost::json::value& v) {
  if (v.is_number()) return number_of(v);  // what its text reads back as
  if (v.is_string()) return read_float8(v.get_string());
  return std::nullopt;  // true, false, arrays and objects are no float8
}

std::optional<bool> cast_bool(const boost::json::value& v) {
  if (v.is_bool()) return v.get_bool();
  if (v.is_string()) return read_bool(v.get_string());
  if (v.is_number()) return read_bool(number_text(number_of(v)));  // 1 and 0 read
  return std::nullopt;
}

}  // namespace customerdb::detail

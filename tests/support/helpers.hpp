// Small value helpers shared by the engine test suites: printing optionals, id lists and
// metadata, and comparing timestamps and generated ids.
#pragma once

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "customerdb/customerdb.hpp"

// Lets BOOST_CHECK_EQUAL print optionals (nullopt prints as "<null>").
namespace boost::test_tools::tt_detail {
template <class T>
struct print_log_value<std::optional<T>> {
  void operator()(std::ostream& os, const std::optional<T>& v) {
    if (v) {
      os << *v;
    } else {
      os << "<null>";
    }
  }
};
}  // namespace boost::test_tools::tt_detail

namespace customerdb::testing {

// The argument as a vector, for comparing id lists with BOOST_TEST: strs({a, b}).
inline std::vector<std::string> strs(std::vector<std::string> v) { return v; }

// The `id` of every row, in order.
template <class Dto>
std::vector<std::string> ids_of(const std::vector<Dto>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

inline std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Comma-separated, no spaces: "a,b,c".
inline std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ",";
    out += s;
  }
  return out;
}

// The string, or "<null>".
inline std::string show(const std::optional<std::string>& s) { return s ? *s : "<null>"; }

// "{key: [id, id], key: [id]}".
inline std::string show(const linkable_ids& m) {
  std::string s = "{";
  bool first_key = true;
  for (const auto& [key, ids] : m) {
    if (!first_key) s += ", ";
    first_key = false;
    s += key + ": [";
    for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + ids[i];
    s += "]";
  }
  return s + "}";
}

// show() of a linkable_ids with the one key `key`.
inline std::string key_ids(const std::string& key, const std::vector<std::string>& ids) {
  return show(linkable_ids{{key, ids}});
}

// Milliseconds since the epoch; -1 for nullopt.
inline std::int64_t ms(timestamp t) { return t.time_since_epoch().count(); }
inline std::int64_t ms(const std::optional<timestamp>& t) { return t ? ms(*t) : -1; }

// The serialized metadata, or "<null>".
inline std::string json(const std::optional<metadata>& m) {
  return m ? boost::json::serialize(*m) : std::string("<null>");
}

// Checks that `actual` holds exactly `expected`.
inline void check_metadata(const std::optional<metadata>& actual, const metadata& expected) {
  BOOST_CHECK_MESSAGE(actual.has_value() && *actual == expected,
                      "metadata " << json(actual) << " != " << boost::json::serialize(expected));
}

// Whether `id` is `prefix`, "_" and 26 Crockford base32 characters (an id the engine made).
inline bool is_generated_id(const std::string& id, std::string_view prefix) {
  static constexpr std::string_view crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  if (id.size() != prefix.size() + 1 + 26) return false;
  if (id.compare(0, prefix.size(), prefix) != 0 || id[prefix.size()] != '_') return false;
  for (std::size_t i = prefix.size() + 1; i < id.size(); ++i) {
    if (crockford.find(id[i]) == std::string_view::npos) return false;
  }
  return true;
}

// The ids as filter values, for where(...).in(...).
inline std::vector<value> values_of(const std::vector<std::string>& ids) {
  return std::vector<value>(ids.begin(), ids.end());
}

}  // namespace customerdb::testing

// What the JSON codec suites share: JSON from text, the messages of the errors a decode or an
// engine call throws, a module on a fixed clock, and a module of four customers and a group to
// run decoded filters on (filter_fixture).
#pragma once

#include <boost/json/parse.hpp>

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "customerdb/server/json_codec.hpp"

namespace customerdb::server::testing {

namespace json = boost::json;

inline json::value parse(std::string_view text) { return json::parse(text); }

// The message of the customerdb::error (invalid_params) `f` throws for JSON of the wrong shape,
// or "<no throw>".
template <class F>
std::string codec_message(F&& f) {
  try {
    f();
  } catch (const error& e) {
    if (e.code() != error_code::invalid_params) return std::string("<other code> ") + e.what();
    return e.what();
  } catch (const std::exception& e) {
    return std::string("<other exception> ") + e.what();
  }
  return "<no throw>";
}

// "<code>: <message>" of the customerdb::error `f` throws, or "<no throw>".
template <class F>
std::string engine_message(F&& f) {
  try {
    f();
  } catch (const error& e) {
    return std::string(to_string(e.code())) + ": " + e.what();
  } catch (const std::exception& e) {
    return std::string("<other exception> ") + e.what();
  }
  return "<no throw>";
}

inline timestamp fixed_time() { return *parse_iso8601("2024-05-24T10:00:00.000Z"); }

inline module_options fixed_clock() {
  return module_options{.clock = [] { return fixed_time(); }};
}

inline std::string ids(const std::vector<customer>& rows) {
  std::string out;
  for (const auto& r : rows) out += (out.empty() ? "" : ",") + r.id;
  return out;
}

// A module with customers a, b (John, in group VIP), c (no first name, gold metadata) and d
// (soft-deleted).
struct filter_fixture {
  customer_module m{fixed_clock()};
  filter_fixture() {
    m.create({
        {.id = "a", .email = "a", .first_name = "x"},
        {.id = "b", .email = "b", .first_name = "John"},
        {.id = "c", .email = "c", .metadata = json::object{{"tier", "gold"}}},
        {.id = "d", .email = "d", .first_name = "x"},
    });
    m.create_customer_group({.id = "g1", .name = "VIP"});
    m.add_customer_to_group({.customer_id = "b", .customer_group_id = "g1"});
    m.soft_delete("d");
  }
  std::string list(std::string_view filter_json) {
    return ids(m.list(decode_filter(parse(filter_json), "params[0]")));
  }
};

}  // namespace customerdb::server::testing

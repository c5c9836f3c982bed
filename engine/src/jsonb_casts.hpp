// A metadata value as Medusa's database reads it in a filter on a metadata key. Medusa's ORM
// compares `metadata->>'key'`, the value's text in PostgreSQL's jsonb, cast to float8 when the
// filter's first operand is a number and to bool when it is a boolean (metadata_filter.cpp).
// These functions give that text and those casts, with PostgreSQL's rules:
//   jsonb_text    a string is its text; a number is written as Medusa's JavaScript and then
//                 PostgreSQL's numeric write it (the shortest digits that read back as the same
//                 double, never an exponent: 1.0 is "1", 1e21 "1000000000000000000000", 1e-7
//                 "0.0000001"); true and false; an array or object as jsonb prints it, keys
//                 ordered by length and then by their bytes, `, ` and `: ` between items.
//   read_float8   float8's input: white space around, strtod's forms (digits, exponents, hex,
//                 NaN, Infinity), no other text; out of range (or a non-zero value that
//                 underflows to zero) fails.
//   read_bool     bool's input: white space around, then case-insensitively a non-empty prefix
//                 of true, false, yes or no, on, off (at least "of"), or 1 or 0 alone.
//   compare_jsonb jsonb's order (what ORDER BY a jsonb column sorts by): null < string <
//                 number < boolean < array < object; strings by their bytes (Medusa: the
//                 database's collation, the same under C), numbers by value, false < true;
//                 arrays by length, then item by item; objects by their number of keys, then
//                 key and value pair by pair, in jsonb's key order (by length, then bytes).
// Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace customerdb::detail {

// `metadata->>'key'` of the value `v`: nullopt for JSON null.
std::optional<std::string> jsonb_text(const boost::json::value& v);

// `text::float8`: nullopt when PostgreSQL refuses the text.
std::optional<double> read_float8(std::string_view text);

// `text::bool`: nullopt when PostgreSQL refuses the text.
std::optional<bool> read_bool(std::string_view text);

// `(metadata->>'key')::float8` and `::bool` of a stored value `v` (not null): read_float8 and
// read_bool of jsonb_text(v); nullopt when PostgreSQL refuses it (an object, `"abc"`).
std::optional<double> cast_float8(const boost::json::value& v);
std::optional<bool> cast_bool(const boost::json::value& v);

// jsonb's order of `a` and `b`: negative, zero or positive.
int compare_jsonb(const boost::json::value& a, const boost::json::value& b);
int compare_jsonb(const boost::json::object& a, const boost::json::object& b);
// The same, for an object `a` (a stored metadata column) and any `b` (an operand).
int compare_jsonb(const boost::json::object& a, const boost::json::value& b);

// The text PostgreSQL's jsonb keeps for a number Medusa stored, given as a double (jsonb_text).
std::string number_text(double d);

}  // namespace customerdb::detail

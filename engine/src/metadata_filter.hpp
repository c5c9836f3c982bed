// Filters over a metadata (JSON) column: {metadata: {key: value, nested: {key: value}}}.
//
// compile_json checks a filter on an object's keys and compiles it once; eval then applies it
// to each row's object with SQL's NULL rules (three_valued.hpp): a missing key is NULL, and so
// is a key of a nested object that is missing or not an object. Immutable once compiled.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <string_view>

#include "filter_node.hpp"
#include "three_valued.hpp"

namespace customerdb::detail {

// A filter over the keys of a JSON object.
struct json_pred {
  virtual ~json_pred() = default;
  // The filter's result for `object` (null: no object, every key NULL).
  virtual tri eval(const boost::json::object* object) const = 0;
};
using json_pred_ptr = std::unique_ptr<const json_pred>;

// Compiles `n`, a filter on the keys of the object at `path` ("metadata", "metadata.address")
// of a `model` ("Customer"): the keys' conditions, all of which must hold. Empty sub-filters are
// dropped as for columns (decision D25). Throws invalid_data for a wrong operand, $re, and for
// $and, $or or $not among the keys (an explicit AND, any OR or NOT), as Medusa's ORM fails on
// them.
json_pred_ptr compile_json(const filter_node& n, std::string_view model, std::string_view path);

}  // namespace customerdb::detail

// Parsing the text of a JSON-RPC request or batch (one stdio line or HTTP body) into a JSON value,
// keeping the text of each request's numeric id as sent. A response echoes the id with the
// request's own characters: JSON numbers become doubles or 64-bit integers when parsed, so
// `123456789012345678901234567890` would come back as `1.2345678901234568E29` and `1.50` as
// `1.5E0`.
//
// Thread-safety: stateless; parse_request may run on any number of threads at once.
#pragma once

#include <boost/json/error.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <string_view>
#include <vector>

namespace customerdb::server::detail {

struct parsed_request {
  // The request object, or the batch (an array); null after a parse error.
  boost::json::value value;
  // The text of the `id` member, when it is a number, of the request object (`request_id`) or
  // of each batch element (`batch_ids`, by position in the batch; may be shorter than the
  // batch); empty where the id is not a number or the element not an object. Views into the
  // parsed text. With duplicate `id` members, the last one counts (as in `value`).
  std::string_view request_id;
  std::vector<std::string_view> batch_ids;

  // The text of the numeric id of batch element `i`, or empty.
  std::string_view batch_id(std::size_t i) const noexcept {
    return i < batch_ids.size() ? batch_ids[i] : std::string_view();
  }
};

// Parses `text` (the whole text: trailing white space only) as json::parse does, with
// `max_depth` as the deepest nesting. On failure sets `ec` (syntax error, extra data, too deep,
// invalid UTF-8, ...) and returns a null value. Throws only std::bad_alloc.
// REQUIRES: `text` outlives the result's ids.
parsed_request parse_request(std::string_view text, std::size_t max_depth,
                             boost::json::error_code& ec);

}  // namespace customerdb::server::detail

// customerdb::error: the one exception type the library throws.
//
// Every failure of a customerdb call is reported by throwing `customerdb::error`. Its `code()`
// says what kind of failure it is (the `type` of Medusa's MedusaError), and `what()` carries
// Medusa's message text, e.g. "Customer with id: cus_123 was not found".
//
// Rule: a call that throws has changed nothing (strong guarantee).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace customerdb {

enum class error_code {
  not_found,       // an entity or a relationship target does not exist
  invalid_data,    // bad values, unknown fields, unique violations
  conflict,        // a transaction lost a race or expired
  not_allowed,     // the operation is not allowed in this state
  io_error,        // the disk failed (persistence)
  corruption,      // persisted data failed its checks (persistence)
  invalid_params,  // external input of the wrong shape: a decoder found a JSON value of the wrong
                   // type or structure (the server's JSON codec; JSON-RPC "invalid params")
  timed_out,       // the call ran past its deadline (context::with_deadline) or was cancelled
                   // (customer_module::cancel_calls); it changed nothing
};

// The name of a code as it appears in Medusa and on the wire: "not_found", "invalid_data", ...
// (invalid_params and timed_out are customerdb's own: "invalid_params", "timed_out").
std::string_view to_string(error_code code) noexcept;

// Thread-safe (immutable once thrown).
class error : public std::runtime_error {
 public:
  error(error_code code, const std::string& message) : std::runtime_error(message), code_(code) {}

  error_code code() const noexcept { return code_; }

 private:
  error_code code_;
};

// The error the engine raises for a field an entity does not have: invalid_data
// `Unknown field "<key>" for <Model>` (Model: Customer, CustomerGroup, Address,
// CustomerGroupCustomer). For decoders of external input, so that they report unknown keys with
// the engine's words.
error unknown_field_error(std::string_view model, std::string_view key);

// The error the engine raises for null in a non-nullable field: invalid_data `You must pass a
// non-null value to the property <field> of entity <Model>.` For decoders of external input.
error non_null_field_error(std::string_view model, std::string_view field);

// The error the engine raises for a bad paging value: invalid_data
// `Invalid value for <what>: <value>` (what: skip, take). For decoders of external input that
// meet a value the typed API cannot carry (e.g. a fractional number).
error invalid_value_error(std::string_view what, std::string_view value);

}  // namespace customerdb

// The methods of the wire protocol (docs/protocol.md, "Methods"): a table from method name to
// handler. The dispatcher checks the envelope and the params array, looks the method up here
// and maps what the handler throws to JSON-RPC errors.
//
// A handler decodes its positional params, calls the customer_module (or the transaction
// registry) and encodes the result. Each handler checks its params in a fixed order, which
// decides the error a request breaking several rules gets: for most methods the required and
// leading params first, then the count of params, then the context, then the rest (see the
// shapes in methods.cpp).
//
// Errors: handlers throw rpc_error for protocol errors (invalid_params) and customerdb::error for
// JSON of the wrong shape (the codec's invalid_params) and the module's (and the registry's)
// errors.
//
// Thread-safe: the table is immutable; handlers share nothing but the module and the registry,
// both thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "customerdb/customer_module.hpp"
#include "customerdb/server/replica_report.hpp"
#include "transaction_registry.hpp"

namespace customerdb::server::detail {

// JSON-RPC error codes (docs/protocol.md, "Errors").
enum rpc_code : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
};

// A protocol-level failure of one request.
struct rpc_error {
  int code;
  std::string message;
};

[[noreturn]] void fail(int code, std::string message);

// The positional params of one call, with the checks every method shares.
class params {
 public:
  // REQUIRES: `method` and `values` outlive this object.
  params(std::string_view method, const boost::json::array& values)
      : method_(method), values_(values) {}

  // Fails with invalid_params when more than `n` params were given.
  void at_most(std::size_t n) const;

  // The param at `i`; null when it was left out.
  const boost::json::value& operator[](std::size_t i) const;

  // The param at `i`, which must be given (not null).
  const boost::json::value& required(std::size_t i) const;

  // The size of the params written as compact JSON (what a write call sends).
  std::size_t text_bytes() const;

  // "params[i]", the JSON path of the param at `i`.
  static std::string path(std::size_t i);
  std::string_view method() const noexcept { return method_; }

 private:
  std::string_view method_;
  const boost::json::array& values_;
};

// What handlers work on.
struct method_env {
  customer_module& module;
  transaction_registry& transactions;
  // The time budget of a module call whose context gives no timeoutMs; 0: none.
  std::chrono::milliseconds request_timeout;
  bool fixture_files;  // dispatcher_options::fixture_files
  // dispatcher_options::replica: null unless the store is a replica's (stats reports it).
  const replica_reporter& replica;
};

// Runs one method: its result (JSON null for methods that return nothing).
using method_handler = boost::json::value (*)(method_env& env, const params& p);

// The handler of method `name`, or nullptr when there is no such method.
method_handler find_method(std::string_view name) noexcept;

}  // namespace customerdb::server::detail

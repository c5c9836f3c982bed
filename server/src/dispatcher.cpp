// The JSON-RPC envelope: parsing, batches, ids, notifications and the mapping of failures to
// error objects. The methods are in methods.cpp, the open transactions in
// transaction_registry.cpp.
#include "customerdb/server/dispatcher.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <exception>
#include <new>
#include <optional>
#include <utility>

#include "customerdb/error.hpp"
#include "customerdb/server/json_codec.hpp"
#include "methods.hpp"
#include "transaction_registry.hpp"

namespace customerdb::server {

namespace json = boost::json;

namespace {

using detail::fail;
using detail::rpc_error;
using enum detail::rpc_code;

int code_of(error_code c) {
  switch (c) {
    case error_code::not_found:
      return -32001;
    case error_code::invalid_data:
      return -32002;
    case error_code::conflict:
      return -32003;
    case error_code::not_allowed:
      return -32004;
    case error_code::invalid_params:
      return invalid_params;
    case error_code::io_error:
    case error_code::corruption:
      return internal_error;
  }
  return internal_error;
}

std::string_view type_of(int code) {
  switch (code) {
    case parse_error:
      return "parse_error";
    case invalid_request:
      return "invalid_request";
    case method_not_found:
      return "method_not_found";
    case invalid_params:
      return "invalid_params";
    default:
      return "internal_error";
  }
}

json::object error_object(int code, std::string_view message, std::string_view type) {
  return {{"code", code}, {"message", message}, {"data", {{"type", type}}}};
}

json::object response(const json::value& id, json::object error) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

bool non_finite(const json::value& v) { return v.is_double() && !std::isfinite(v.get_double()); }

// The path (below `path`) of the first number in `v` that overflowed to infinity when parsed
// (Boost.JSON reads 1e400 as inf), or nullopt. Such a number cannot be stored or written back
// as JSON, so it is refused up front.
std::optional<std::string> find_non_finite(const json::value& v, std::string_view path) {
  if (non_finite(v)) return std::string(path);
  if (v.is_array()) {
    const json::array& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].is_structured() || non_finite(a[i])) {
        if (auto found = find_non_finite(a[i], fmt::format("{}[{}]", path, i))) return found;
      }
    }
  } else if (v.is_object()) {
    for (const auto& entry : v.get_object()) {
      const json::value& x = entry.value();
      if (x.is_structured() || non_finite(x)) {
        if (auto found =
                find_non_finite(x, fmt::format("{}.{}", path, std::string_view(entry.key())))) {
          return found;
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace

struct dispatcher::impl {
  impl(customer_module& module, dispatcher_options o)
      : options(std::move(o)),
        transactions(module, options.default_transaction_timeout, options.max_transaction_timeout),
        env{module, transactions} {}

  dispatcher_options options;
  transaction_registry transactions;
  detail::method_env env;

  // Runs `method` (looked up in the method table) with `p`.
  json::value call(std::string_view method, const detail::params& p) {
    const detail::method_handler run = detail::find_method(method);
    if (!run) fail(method_not_found, fmt::format("Method not found: {}", method));
    return run(env, p);
  }

  // ---- Requests ----------------------------------------------------------------------------

  // The response to one request object, or nullopt for a notification.
  std::optional<json::object> answer(const json::value& request) {
    static const json::value null_id;
    if (!request.is_object()) {
      return response(null_id, error_object(invalid_request, "Invalid request: not an object",
                                            type_of(invalid_request)));
    }
    const json::object& r = request.get_object();
    const json::value* id = r.if_contains("id");
    const bool notification = id == nullptr;
    const bool good_id =
        id && (id->is_string() || id->is_null() || (id->is_number() && !non_finite(*id)));
    const json::value& reply_id = good_id ? *id : null_id;
    try {
      if (id && !good_id) {
        fail(invalid_request, "Invalid request: id must be a string, a finite number or null");
      }
      const json::value* version = r.if_contains("jsonrpc");
      if (!version || !version->is_string() || version->get_string() != "2.0") {
        fail(invalid_request, "Invalid request: jsonrpc must be \"2.0\"");
      }
      const json::value* method = r.if_contains("method");
      if (!method || !method->is_string()) {
        fail(invalid_request, "Invalid request: method must be a string");
      }
      for (const auto& entry : r) {
        const std::string_view key = entry.key();
        if (key != "jsonrpc" && key != "method" && key != "params" && key != "id") {
          fail(invalid_request, fmt::format("Invalid request: unknown member \"{}\"", key));
        }
      }
      static const json::array no_params;
      const json::value* given = r.if_contains("params");
      if (given && !given->is_array() && !given->is_null()) {
        fail(invalid_params, "params must be an array");
      }
      const json::array& values = given && given->is_array() ? given->get_array() : no_params;
      if (given) {
        if (auto path = find_non_finite(*given, "params")) {
          fail(invalid_params, fmt::format("{} is out of range (not a finite number)", *path));
        }
      }
      const std::string_view name = method->get_string();
      json::value result = call(name, detail::params(name, values));
      if (notification) return std::nullopt;
      return json::object{{"jsonrpc", "2.0"}, {"id", reply_id}, {"result", std::move(result)}};
    } catch (const rpc_error& e) {
      if (notification && e.code != invalid_request) return std::nullopt;
      return response(reply_id, error_object(e.code, e.message, type_of(e.code)));
    } catch (const error& e) {
      if (notification) return std::nullopt;
      return response(reply_id, error_object(code_of(e.code()), e.what(), to_string(e.code())));
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      if (notification) return std::nullopt;
      return response(reply_id,
                      error_object(internal_error, fmt::format("Internal error: {}", e.what()),
                                   type_of(internal_error)));
    }
  }

  std::optional<std::string> handle(std::string_view text) {
    transactions.sweep();
    if (text.size() > options.max_request_bytes) return too_large();
    json::parse_options po;
    po.max_depth = options.max_depth;
    std::error_code ec;
    const json::value request = json::parse(text, ec, json::storage_ptr(), po);
    if (ec) {
      return json::serialize(
          response(nullptr, error_object(parse_error, fmt::format("Parse error: {}", ec.message()),
                                         type_of(parse_error))));
    }
    if (!request.is_array()) {
      auto r = answer(request);
      if (!r) return std::nullopt;
      return json::serialize(*r);
    }
    const json::array& batch = request.get_array();
    if (batch.empty() || batch.size() > options.max_batch) {
      return json::serialize(response(
          nullptr, error_object(invalid_request,
                                batch.empty() ? std::string("Invalid request: empty batch")
                                              : fmt::format("Invalid request: a batch holds at "
                                                            "most {} requests",
                                                            options.max_batch),
                                type_of(invalid_request))));
    }
    json::array out;
    for (const json::value& item : batch) {
      if (auto r = answer(item)) out.push_back(std::move(*r));
    }
    if (out.empty()) return std::nullopt;
    return json::serialize(out);
  }

  std::string too_large() const {
    return json::serialize(
        response(nullptr, error_object(invalid_request,
                                       fmt::format("Invalid request: larger than {} bytes",
                                                   options.max_request_bytes),
                                       type_of(invalid_request))));
  }

  void close() { transactions.close(); }
};

dispatcher::dispatcher(customer_module& module, dispatcher_options options)
    : impl_(std::make_unique<impl>(module, std::move(options))) {}

dispatcher::~dispatcher() = default;

std::optional<std::string> dispatcher::handle(std::string_view text) { return impl_->handle(text); }

std::string dispatcher::request_too_large() const { return impl_->too_large(); }

void dispatcher::close() { impl_->close(); }

const dispatcher_options& dispatcher::options() const noexcept { return impl_->options; }

}  // namespace customerdb::server

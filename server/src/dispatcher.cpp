// The JSON-RPC envelope: parsing, batches, ids, notifications and the mapping of failures to
// error objects. The methods are in methods.cpp, the open transactions in
// transaction_registry.cpp, the parsing that keeps numeric ids' text in request_parser.cpp.
#include "customerdb/server/dispatcher.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <cmath>
#include <exception>
#include <new>
#include <optional>
#include <utility>

#include "customerdb/error.hpp"
#include "customerdb/server/json_codec.hpp"
#include "methods.hpp"
#include "request_parser.hpp"
#include "transaction_registry.hpp"

namespace customerdb::server {

namespace json = boost::json;

namespace {

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
    case error_code::timed_out:
      return -32005;
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

// Appends `v` as JSON text to `out`.
void append_json(std::string& out, const json::value& v) {
  json::serializer writer;
  writer.reset(&v);
  while (!writer.done()) {
    const std::size_t used = out.size();
    out.resize(std::max<std::size_t>(used * 2, used + 4096));
    const std::size_t n = writer.read(out.data() + used, out.size() - used).size();
    out.resize(used + n);
  }
}

// Appends {"jsonrpc":"2.0","id":<id>,"<member>":<value>} to `out`; `id` is JSON text.
void append_response(std::string& out, std::string_view id, std::string_view member,
                     const json::value& value) {
  out += R"({"jsonrpc":"2.0","id":)";
  out += id;
  out += ",\"";
  out += member;
  out += "\":";
  append_json(out, value);
  out += '}';
}

// The text of an error response whose id cannot be known.
std::string error_response(int code, std::string_view message) {
  std::string out;
  append_response(out, "null", "error", error_object(code, message, type_of(code)));
  return out;
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
        transactions(module, {.default_timeout = options.default_transaction_timeout,
                              .max_timeout = options.max_transaction_timeout,
                              .max_open = options.max_transactions,
                              .max_bytes = options.max_transaction_bytes,
                              .max_total_bytes = options.max_open_transaction_bytes}),
        env{module, transactions, options.request_timeout, options.fixture_files, options.replica} {
  }

  dispatcher_options options;
  transaction_registry transactions;
  detail::method_env env;

  // Runs `method` (looked up in the method table) with `p`.
  json::value call(std::string_view method, const detail::params& p) {
    const detail::method_handler run = detail::find_method(method);
    if (!run) detail::fail(method_not_found, fmt::format("Method not found: {}", method));
    return run(env, p);
  }

  // ---- Requests ----------------------------------------------------------------------------

  // Appends the response to one request object to `out`, or nothing for a notification
  // (returns false then). `id_text` is the text of the request's id as sent when that is a
  // number (request_parser.hpp): the response echoes it unchanged.
  bool answer(const json::value& request, std::string_view id_text, std::string& out) {
    if (!request.is_object()) {
      append_response(out, "null", "error",
                      error_object(invalid_request, "Invalid request: not an object",
                                   type_of(invalid_request)));
      return true;
    }
    const json::object& r = request.get_object();
    const json::value* id = r.if_contains("id");
    const bool notification = id == nullptr;
    const bool good_id =
        id && (id->is_string() || id->is_null() || (id->is_number() && !non_finite(*id)));
    std::string reply_id = "null";
    if (good_id && id->is_number() && !id_text.empty()) {
      reply_id = id_text;
    } else if (good_id) {
      reply_id = json::serialize(*id);
    }
    const auto reply = [&](std::string_view member, const json::value& value) {
      append_response(out, reply_id, member, value);
      return true;
    };
    try {
      if (id && !good_id) {
        detail::fail(invalid_request,
                     "Invalid request: id must be a string, a finite number or null");
      }
      const json::value* version = r.if_contains("jsonrpc");
      if (!version || !version->is_string() || version->get_string() != "2.0") {
        detail::fail(invalid_request, "Invalid request: jsonrpc must be \"2.0\"");
      }
      const json::value* method = r.if_contains("method");
      if (!method || !method->is_string()) {
        detail::fail(invalid_request, "Invalid request: method must be a string");
      }
      for (const auto& entry : r) {
        const std::string_view key = entry.key();
        if (key != "jsonrpc" && key != "method" && key != "params" && key != "id") {
          detail::fail(invalid_request, fmt::format("Invalid request: unknown member \"{}\"", key));
        }
      }
      static const json::array no_params;
      const json::value* given = r.if_contains("params");
      if (given && !given->is_array() && !given->is_null()) {
        detail::fail(invalid_params, "params must be an array");
      }
      const json::array& values = given && given->is_array() ? given->get_array() : no_params;
      if (given) {
        if (auto path = find_non_finite(*given, "params")) {
          detail::fail(invalid_params,
                       fmt::format("{} is out of range (not a finite number)", *path));
        }
      }
      const std::string_view name = method->get_string();
      json::value result = call(name, detail::params(name, values));
      if (notification) return false;
      return reply("result", result);
    } catch (const rpc_error& e) {
      if (notification && e.code != invalid_request) return false;
      return reply("error", error_object(e.code, e.message, type_of(e.code)));
    } catch (const error& e) {
      if (notification) return false;
      return reply("error", error_object(code_of(e.code()), e.what(), to_string(e.code())));
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      if (notification) return false;
      return reply("error",
                   error_object(internal_error, fmt::format("Internal error: {}", e.what()),
                                type_of(internal_error)));
    }
  }

  std::optional<std::string> handle(std::string_view text) {
    transactions.sweep();
    if (text.size() > options.max_request_bytes) return too_large();
    json::error_code ec;
    const detail::parsed_request parsed = detail::parse_request(text, options.max_depth, ec);
    if (ec) return error_response(parse_error, fmt::format("Parse error: {}", ec.message()));
    std::string out;
    if (!parsed.value.is_array()) {
      if (!answer(parsed.value, parsed.request_id, out)) return std::nullopt;
      return out;
    }
    const json::array& batch = parsed.value.get_array();
    if (batch.empty()) return error_response(invalid_request, "Invalid request: empty batch");
    if (batch.size() > options.max_batch) {
      return error_response(
          invalid_request,
          fmt::format("Invalid request: a batch holds at most {} requests", options.max_batch));
    }
    out.push_back('[');
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const std::size_t mark = out.size();
      if (mark > 1) out.push_back(',');
      if (!answer(batch[i], parsed.batch_id(i), out)) out.resize(mark);
    }
    if (out.size() == 1) return std::nullopt;
    out.push_back(']');
    return out;
  }

  std::string too_large() const {
    return error_response(invalid_request, fmt::format("Invalid request: larger than {} bytes",
                                                       options.max_request_bytes));
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

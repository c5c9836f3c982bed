#include "customerdb/server/dispatcher.hpp"

#include <fmt/format.h>
#include <sys/random.h>

#include <array>
#include <cmath>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <exception>
#include <mutex>
#include <new>
#include <unordered_map>
#include <utility>

#include "customerdb/error.hpp"
#include "customerdb/server/json_codec.hpp"

namespace customerdb::server {

namespace json = boost::json;

namespace {

// JSON-RPC error codes (docs/protocol.md, "Errors").
enum rpc_code : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
};

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

// A protocol-level failure of one request.
struct rpc_error {
  int code;
  std::string message;
};

[[noreturn]] void fail(int code, std::string message) { throw rpc_error{code, std::move(message)}; }

json::object error_object(int code, std::string_view message, std::string_view type) {
  return {{"code", code}, {"message", message}, {"data", {{"type", type}}}};
}

json::object response(const json::value& id, json::object error) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

// The positional params of one call, with the checks every method shares.
class params {
 public:
  params(std::string_view method, const json::array& values) : method_(method), values_(values) {}

  // Fails with invalid_params when more than `n` params were given.
  void at_most(std::size_t n) const {
    if (values_.size() > n) {
      fail(invalid_params, fmt::format("{} takes at most {} param{}, got {}", method_, n,
                                       n == 1 ? "" : "s", values_.size()));
    }
  }

  // The param at `i`; null when it was left out.
  const json::value& operator[](std::size_t i) const {
    static const json::value absent;
    return i < values_.size() ? values_[i] : absent;
  }

  // The param at `i`, which must be given (not null).
  const json::value& required(std::size_t i) const {
    const json::value& v = (*this)[i];
    if (v.is_null()) fail(invalid_params, fmt::format("{} is required", path(i)));
    return v;
  }

  static std::string path(std::size_t i) { return fmt::format("params[{}]", i); }
  std::string_view method() const noexcept { return method_; }

 private:
  std::string_view method_;
  const json::array& values_;
};

// A string id, or null for "no id" (the engine then reports the missing id).
id_view id_param(const json::value& v, std::string_view path) {
  if (v.is_null()) return id_view(nullptr);
  if (!v.is_string()) fail(invalid_params, fmt::format("{} must be a string", path));
  return id_view(std::string_view(v.get_string()));
}

template <class Dto, class Decode>
std::vector<Dto> decode_each(const json::array& items, std::string_view path, Decode decode) {
  std::vector<Dto> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.push_back(decode(items[i], fmt::format("{}[{}]", path, i)));
  }
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
        if (auto found = find_non_finite(x, fmt::format("{}.{}", path,
                                                         std::string_view(entry.key())))) {
          return found;
        }
      }
    }
  }
  return std::nullopt;
}

// "tx_" + 32 random hex digits from the kernel's generator.
std::string new_transaction_id() {
  std::array<unsigned char, 16> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  std::string id = "tx_";
  for (const unsigned char b : bytes) id += fmt::format("{:02x}", b);
  return id;
}

}  // namespace

struct dispatcher::impl {
  using clock = std::chrono::steady_clock;

  // A transaction opened with beginTransaction. After its end (commit, rollback, expiry) the
  // entry stays for a while as a tombstone, so that a late use of the id gets the engine's own
  // conflict message ("Transaction has expired", "Transaction is no longer active").
  struct open_transaction {
    context ctx;
    clock::time_point deadline;
    std::optional<clock::time_point> ended_at;  // guarded by impl::mutex
  };

  // Ended transactions are forgotten this long after their end (then their ids are unknown).
  static constexpr std::chrono::minutes tombstone_ttl{10};

  impl(customer_module& m, dispatcher_options o) : module(m), options(std::move(o)) {}

  customer_module& module;
  dispatcher_options options;
  std::mutex mutex;  // guards transactions, ended_at and last_sweep
  std::unordered_map<std::string, std::shared_ptr<open_transaction>> transactions;
  clock::time_point last_sweep = clock::now();

  // ---- Transactions ------------------------------------------------------------------------

  std::shared_ptr<open_transaction> find_transaction(const json::value& v, std::string_view path) {
    if (!v.is_object()) {
      fail(invalid_params, fmt::format("{} must be an object or null", path));
    }
    const json::object& o = v.get_object();
    for (const auto& entry : o) {
      if (entry.key() != "transactionId") {
        fail(invalid_params, fmt::format("{}.{} is not a context key (expected transactionId)",
                                         path, std::string_view(entry.key())));
      }
    }
    const json::value* id = o.if_contains("transactionId");
    if (!id || !id->is_string()) {
      fail(invalid_params, fmt::format("{}.transactionId must be a string", path));
    }
    std::lock_guard lock(mutex);
    const auto it = transactions.find(std::string(id->get_string()));
    if (it == transactions.end()) {
      throw error(error_code::conflict,
                  fmt::format("Transaction {} was not found", std::string_view(id->get_string())));
    }
    return it->second;
  }

  void mark_ended(open_transaction& t) {
    std::lock_guard lock(mutex);
    if (!t.ended_at) t.ended_at = clock::now();
  }

  // Rolls back expired transactions (freeing their writes) and forgets old tombstones, at most
  // once a second.
  void sweep() {
    const auto now = clock::now();
    std::vector<std::shared_ptr<open_transaction>> expired;
    {
      std::lock_guard lock(mutex);
      if (now - last_sweep < std::chrono::seconds(1)) return;
      last_sweep = now;
      for (auto it = transactions.begin(); it != transactions.end();) {
        open_transaction& t = *it->second;
        if (!t.ended_at && now >= t.deadline) expired.push_back(it->second);
        if (t.ended_at && now - *t.ended_at >= tombstone_ttl) {
          it = transactions.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (const auto& t : expired) {
      module.rollback(t->ctx);  // past its deadline: the engine records it as expired
      mark_ended(*t);
    }
  }

  json::value begin_transaction(const params& p) {
    p.at_most(1);
    auto timeout = options.default_transaction_timeout;
    if (const json::value& o = p[0]; !o.is_null()) {
      if (!o.is_object()) fail(invalid_params, "params[0] must be an object or null");
      for (const auto& entry : o.get_object()) {
        const std::string_view key = entry.key();
        if (key != "timeoutMs") {
          fail(invalid_params,
               fmt::format("params[0].{} is not a transaction option (expected timeoutMs)", key));
        }
        const json::value& ms = entry.value();
        if (ms.is_null()) continue;
        const auto max = options.max_transaction_timeout.count();
        if (!ms.is_int64() || ms.get_int64() <= 0 || ms.get_int64() > max) {
          fail(invalid_params,
               fmt::format("params[0].timeoutMs must be an integer from 1 to {}", max));
        }
        timeout = std::chrono::milliseconds(ms.get_int64());
      }
    }
    const auto deadline = clock::now() + timeout;
    auto t = std::make_shared<open_transaction>(
        open_transaction{module.begin_transaction({.deadline = deadline}), deadline, {}});
    std::string id = new_transaction_id();
    {
      std::lock_guard lock(mutex);
      transactions.emplace(id, std::move(t));
    }
    return json::object{{"transactionId", id}};
  }

  json::value finish_transaction(const params& p, bool commit) {
    p.at_most(1);
    const auto t = find_transaction(p.required(0), "params[0]");
    try {
      if (commit) {
        module.commit(t->ctx);
      } else {
        module.check_transaction(t->ctx);
        module.rollback(t->ctx);
      }
    } catch (...) {
      mark_ended(*t);  // a failed commit has ended the transaction too
      throw;
    }
    mark_ended(*t);
    return nullptr;
  }

  // The context argument at `i` (null or absent: none). `hold` keeps its entry alive.
  const context& context_at(const params& p, std::size_t i,
                            std::shared_ptr<open_transaction>& hold) {
    static const context none;
    const json::value& v = p[i];
    if (v.is_null()) return none;
    hold = find_transaction(v, params::path(i));
    return hold->ctx;
  }

  // ---- Methods -----------------------------------------------------------------------------

  // Runs `call(ctx)` with the context at param `i`.
  template <class F>
  json::value with_context(const params& p, std::size_t i, F&& call) {
    p.at_most(i + 1);
    std::shared_ptr<open_transaction> hold;
    const context& ctx = context_at(p, i, hold);
    return std::forward<F>(call)(ctx);
  }

  // create-like methods: [data | data[], context?].
  template <class Decode, class Call>
  json::value create_like(const params& p, Decode decode, Call call) {
    const json::value& data = p.required(0);
    return with_context(p, 1, [&](const context& ctx) -> json::value {
      if (data.is_array()) {
        using dto = std::invoke_result_t<Decode, const json::value&, std::string_view>;
        const auto items = decode_each<dto>(data.get_array(), "params[0]", decode);
        return encode_result(call(std::span<const dto>(items), ctx));
      }
      if (!data.is_object()) fail(invalid_params, "params[0] must be an object or an array");
      return encode_result(call(decode(data, "params[0]"), ctx));
    });
  }

  // Calls f with the target at params[0] of update/delete methods, decoded as what its JSON
  // shape says: an array of ids, a selector object, or one id (a string, or null for none).
  template <class F>
  static decltype(auto) with_target(const json::value& target, F&& f) {
    if (target.is_array()) return f(decode_string_array(target, "params[0]"));
    if (target.is_object()) return f(decode_filter(target, "params[0]"));
    return f(id_param(target, "params[0]"));
  }

  // update-like methods: [id | ids[] | selector, data, context?].
  template <class Decode, class Call>
  json::value update_like(const params& p, Decode decode, Call call) {
    const auto data = decode(p.required(1), "params[1]");
    return with_context(p, 2, [&](const context& ctx) {
      return with_target(p[0], [&](const auto& target) -> json::value {
        return encode_result(call(target, data, ctx));
      });
    });
  }

  // delete-like methods: [id | ids[] | selector, context?].
  template <class Call>
  json::value delete_like(const params& p, Call call) {
    return with_context(p, 1, [&](const context& ctx) -> json::value {
      with_target(p[0], [&](const auto& target) { call(target, ctx); });
      return nullptr;
    });
  }

  // retrieve-like methods: [id, config?, context?].
  template <class Call>
  json::value retrieve_like(const params& p, Call call) {
    const id_view id = id_param(p[0], "params[0]");
    const find_config config = decode_find_config(p[1], "params[1]");
    return with_context(p, 2, [&](const context& ctx) -> json::value {
      return encode_result(call(id, config, ctx));
    });
  }

  // list-like methods: [filters?, config?, context?].
  template <class Call>
  json::value list_like(const params& p, Call call) {
    const filter filters = p[0].is_null() ? filter{} : decode_filter(p[0], "params[0]");
    const find_config config = decode_find_config(p[1], "params[1]");
    return with_context(p, 2, [&](const context& ctx) -> json::value {
      return encode_result(call(filters, config, ctx));
    });
  }

  // softDelete-like methods: [ids[] | id, config?, context?].
  template <class Call>
  json::value soft_delete_like(const params& p, Call call) {
    const json::value& ids = p.required(0);
    const soft_delete_config config = decode_soft_delete_config(p[1], "params[1]");
    return with_context(p, 2, [&](const context& ctx) -> json::value {
      if (ids.is_string()) return encode(call(id_param(ids, "params[0]"), config, ctx));
      return encode(call(decode_string_array(ids, "params[0]"), config, ctx));
    });
  }

  template <class T>
  static json::value encode_result(const T& v) {
    return encode(v);
  }
  static json::value encode_result(std::nullptr_t) { return nullptr; }
  static json::value encode_result(const std::string& membership_id) {
    return json::object{{"id", membership_id}};
  }
  static json::value encode_result(const std::vector<std::string>& membership_ids) {
    json::array out;
    out.reserve(membership_ids.size());
    for (const auto& id : membership_ids) out.push_back(json::object{{"id", id}});
    return out;
  }

  json::value call(std::string_view method, const params& p) {
    customer_module& m = module;
    // Customers.
    if (method == "retrieve") {
      return retrieve_like(p, [&](auto&&... a) { return m.retrieve(a...); });
    }
    if (method == "create") {
      return create_like(p, decode_create_customer_dto,
                         [&](const auto& d, const context& c) { return m.create(d, c); });
    }
    if (method == "update") {
      return update_like(p, decode_customer_updatable_fields,
                         [&](const auto& t, const auto& d, const context& c) {
                           return m.update(t, d, c);
                         });
    }
    if (method == "delete") {
      return delete_like(p, [&](const auto& t, const context& c) { m.delete_customers(t, c); });
    }
    if (method == "list") return list_like(p, [&](auto&&... a) { return m.list(a...); });
    if (method == "listAndCount") {
      return list_like(p, [&](auto&&... a) { return m.list_and_count(a...); });
    }
    if (method == "softDelete") {
      return soft_delete_like(p, [&](const auto& ids, const auto& c, const context& ctx) {
        return m.soft_delete(ids, c, ctx);
      });
    }
    if (method == "restore") {
      return soft_delete_like(p, [&](const auto& ids, const auto& c, const context& ctx) {
        return m.restore(ids, c, ctx);
      });
    }
    // Customer groups.
    if (method == "createCustomerGroup") {
      return create_like(p, decode_create_customer_group_dto, [&](const auto& d, const context& c) {
        return m.create_customer_group(d, c);
      });
    }
    if (method == "retrieveCustomerGroup") {
      return retrieve_like(p, [&](auto&&... a) { return m.retrieve_customer_group(a...); });
    }
    if (method == "updateCustomerGroups") {
      return update_like(p, decode_customer_group_updatable_fields,
                         [&](const auto& t, const auto& d, const context& c) {
                           return m.update_customer_groups(t, d, c);
                         });
    }
    if (method == "deleteCustomerGroups") {
      return delete_like(p,
                         [&](const auto& t, const context& c) { m.delete_customer_groups(t, c); });
    }
    if (method == "listCustomerGroups") {
      return list_like(p, [&](auto&&... a) { return m.list_customer_groups(a...); });
    }
    if (method == "listAndCountCustomerGroups") {
      return list_like(p, [&](auto&&... a) { return m.list_and_count_customer_groups(a...); });
    }
    if (method == "softDeleteCustomerGroups") {
      return soft_delete_like(p, [&](const auto& ids, const auto& c, const context& ctx) {
        return m.soft_delete_customer_groups(ids, c, ctx);
      });
    }
    if (method == "restoreCustomerGroups") {
      return soft_delete_like(p, [&](const auto& ids, const auto& c, const context& ctx) {
        return m.restore_customer_groups(ids, c, ctx);
      });
    }
    // Memberships.
    if (method == "addCustomerToGroup") {
      return create_like(p, decode_group_customer_pair, [&](const auto& d, const context& c) {
        return m.add_customer_to_group(d, c);
      });
    }
    if (method == "removeCustomerFromGroup") {
      return create_like(p, decode_group_customer_pair,
                         [&](const auto& d, const context& c) -> std::nullptr_t {
                           m.remove_customer_from_group(d, c);
                           return nullptr;
                         });
    }
    if (method == "listCustomerGroupCustomers") {
      return list_like(p, [&](auto&&... a) { return m.list_customer_group_customers(a...); });
    }
    // Addresses.
    if (method == "addAddresses") {
      return create_like(p, decode_create_customer_address_dto,
                         [&](const auto& d, const context& c) { return m.add_addresses(d, c); });
    }
    if (method == "updateAddresses") {
      return update_like(p, decode_update_customer_address_dto,
                         [&](const auto& t, const auto& d, const context& c) {
                           return m.update_addresses(t, d, c);
                         });
    }
    if (method == "deleteAddresses") {
      return delete_like(p, [&](const auto& t, const context& c) { m.delete_addresses(t, c); });
    }
    if (method == "listAddresses") {
      return list_like(p, [&](auto&&... a) { return m.list_addresses(a...); });
    }
    if (method == "listAndCountAddresses") {
      return list_like(p, [&](auto&&... a) { return m.list_and_count_addresses(a...); });
    }
    // Beyond the seed.
    if (method == "beginTransaction") return begin_transaction(p);
    if (method == "commitTransaction") return finish_transaction(p, true);
    if (method == "rollbackTransaction") return finish_transaction(p, false);
    if (method == "ping") {
      p.at_most(0);
      return "pong";
    }
    if (method == "snapshot") {
      p.at_most(0);
      const snapshot_info s = module.snapshot();
      return json::object{{"path", s.path.string()}, {"bytes", s.bytes}, {"sequence", s.sequence}};
    }
    if (method == "stats") {
      p.at_most(0);
      return encode_stats(module.stats());
    }
    fail(method_not_found, fmt::format("Method not found: {}", method));
  }

  static json::value encode_stats(const module_stats& s) {
    json::object out{
        {"customers", s.customers},
        {"customerGroups", s.customer_groups},
        {"customerAddresses", s.customer_addresses},
        {"customerGroupCustomers", s.customer_group_customers},
        {"sequence", s.sequence},
        {"memoryBytes", s.memory_bytes},
        {"lastSnapshotAt", nullptr},
        {"lastSnapshotSequence", nullptr},
    };
    if (s.last_snapshot_at) out["lastSnapshotAt"] = to_iso8601(*s.last_snapshot_at);
    if (s.last_snapshot_sequence) out["lastSnapshotSequence"] = *s.last_snapshot_sequence;
    return out;
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
      json::value result = call(std::string_view(method->get_string()), params(
                                                                            method->get_string(),
                                                                            values));
      if (notification) return std::nullopt;
      return json::object{{"jsonrpc", "2.0"}, {"id", reply_id}, {"result", std::move(result)}};
    } catch (const rpc_error& e) {
      if (notification && e.code != invalid_request) return std::nullopt;
      return response(reply_id, error_object(e.code, e.message, type_of(e.code)));
    } catch (const codec_error& e) {
      if (notification) return std::nullopt;
      return response(reply_id, error_object(invalid_params, e.what(), type_of(invalid_params)));
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
    sweep();
    if (text.size() > options.max_request_bytes) return too_large();
    json::parse_options po;
    po.max_depth = options.max_depth;
    std::error_code ec;
    const json::value request = json::parse(text, ec, json::storage_ptr(), po);
    if (ec) {
      return json::serialize(response(
          nullptr, error_object(parse_error, fmt::format("Parse error: {}", ec.message()),
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
    return json::serialize(response(
        nullptr,
        error_object(invalid_request,
                     fmt::format("Invalid request: larger than {} bytes", options.max_request_bytes),
                     type_of(invalid_request))));
  }

  void close() {
    std::lock_guard lock(mutex);
    for (auto& [id, t] : transactions) module.rollback(t->ctx);
    transactions.clear();
  }
};

dispatcher::dispatcher(customer_module& module, dispatcher_options options)
    : impl_(std::make_unique<impl>(module, std::move(options))) {}

dispatcher::~dispatcher() = default;

std::optional<std::string> dispatcher::handle(std::string_view text) { return impl_->handle(text); }

std::string dispatcher::request_too_large() const { return impl_->too_large(); }

void dispatcher::close() { impl_->close(); }

const dispatcher_options& dispatcher::options() const noexcept { return impl_->options; }

}  // namespace customerdb::server

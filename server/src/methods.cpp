#include "methods.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serializer.hpp>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "customerdb/customer_module_v2.hpp"
#include "customerdb/server/json_codec.hpp"
#include "customerdb/server/jsonl_staging.hpp"

namespace customerdb::server::detail {

namespace json = boost::json;

void fail(int code, std::string message) { throw rpc_error{code, std::move(message)}; }

void params::at_most(std::size_t n) const {
  if (values_.size() > n) {
    fail(invalid_params, fmt::format("{} takes at most {} param{}, got {}", method_, n,
                                     n == 1 ? "" : "s", values_.size()));
  }
}

const json::value& params::operator[](std::size_t i) const {
  static const json::value absent;
  return i < values_.size() ? values_[i] : absent;
}

const json::value& params::required(std::size_t i) const {
  const json::value& v = (*this)[i];
  if (v.is_null()) fail(invalid_params, fmt::format("{} is required", path(i)));
  return v;
}

std::size_t params::text_bytes() const {
  json::serializer writer;
  writer.reset(&values_);
  std::array<char, 4096> scratch{};
  std::size_t n = 0;
  while (!writer.done()) n += writer.read(scratch.data(), scratch.size()).size();
  return n;
}

std::string params::path(std::size_t i) { return fmt::format("params[{}]", i); }

namespace {

// ---- Params ----------------------------------------------------------------------------------

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

// The id of a transaction context {"transactionId": "tx_..."} (not null).
std::string_view transaction_id_param(const json::value& v, std::string_view path) {
  if (!v.is_object()) {
    fail(invalid_params, fmt::format("{} must be an object or null", path));
  }
  const json::object& o = v.get_object();
  for (const auto& entry : o) {
    if (entry.key() != "transactionId") {
      fail(invalid_params, fmt::format("{}.{} is not a context key (expected transactionId)", path,
                                       std::string_view(entry.key())));
    }
  }
  const json::value* id = o.if_contains("transactionId");
  if (!id || !id->is_string()) {
    fail(invalid_params, fmt::format("{}.transactionId must be a string", path));
  }
  return id->get_string();
}

// The context of a call outside any transaction.
const context& no_transaction() {
  static const context none;
  return none;
}

// Whether a method writes: a write call in a transaction counts toward its write limits.
enum class access { reads, writes };

// A module call's context param: {"transactionId": "tx_...", "timeoutMs": n}, both optional
// (a null member is left out); null or absent is {}.
struct call_context {
  std::optional<std::string_view> transaction_id;
  std::optional<std::chrono::milliseconds> timeout;
};

// Decodes the context param `v` at `path`; timeoutMs from 1 to `max` ms.
call_context call_context_param(const json::value& v, std::string_view path,
                                std::chrono::milliseconds max) {
  call_context c;
  if (v.is_null()) return c;
  if (!v.is_object()) fail(invalid_params, fmt::format("{} must be an object or null", path));
  for (const auto& entry : v.get_object()) {
    const std::string_view key = entry.key();
    const json::value& x = entry.value();
    if (key == "transactionId") {
      if (!x.is_string())
        fail(invalid_params, fmt::format("{}.transactionId must be a string", path));
      c.transaction_id = x.get_string();
    } else if (key == "timeoutMs") {
      if (x.is_null()) continue;
      if (!x.is_int64() || x.get_int64() <= 0 || x.get_int64() > max.count()) {
        fail(invalid_params,
             fmt::format("{}.timeoutMs must be an integer from 1 to {}", path, max.count()));
      }
      c.timeout = std::chrono::milliseconds(x.get_int64());
    } else {
      fail(invalid_params,
           fmt::format("{}.{} is not a context key (expected transactionId or timeoutMs)", path,
                       key));
    }
  }
  return c;
}

// Runs `call(ctx)` with the context at param `i`, the last param a method takes: the open
// transaction it names (held during the call), none when it names none (null, absent or {}:
// the empty sharedContext Medusa's callers pass), with a deadline of now + its timeoutMs, or of
// now + the server's request timeout when it gives none (no deadline when that is 0).
template <access Access = access::reads, class F>
json::value with_context(method_env& env, const params& p, std::size_t i, F&& call) {
  p.at_most(i + 1);
  const call_context c = call_context_param(p[i], params::path(i), env.transactions.max_timeout());
  std::shared_ptr<const context> held;
  if (c.transaction_id)
    held = env.transactions.find(*c.transaction_id, Access == access::writes ? p.text_bytes() : 0);
  const context& ctx = held ? *held : no_transaction();
  const std::chrono::milliseconds budget = c.timeout.value_or(env.request_timeout);
  if (budget.count() == 0) return std::forward<F>(call)(ctx);
  return std::forward<F>(call)(ctx.with_deadline(std::chrono::steady_clock::now() + budget));
}

// Calls f with the target at params[0] of update/delete methods, decoded as what its JSON
// shape says: an array of ids, a selector object, or one id (a string, or null for none).
template <class F>
decltype(auto) with_target(const json::value& target, F&& f) {
  if (target.is_array()) return f(decode_string_array(target, "params[0]"));
  if (target.is_object()) return f(decode_filter(target, "params[0]"));
  return f(id_param(target, "params[0]"));
}

// ---- Results ---------------------------------------------------------------------------------

template <class T>
json::value encode_result(const T& v, dto_shape shape) {
  return encode(v, shape);
}
json::value encode_result(const std::string& membership_id, dto_shape) {
  return json::object{{"id", membership_id}};
}
json::value encode_result(const std::vector<std::string>& membership_ids, dto_shape) {
  json::array out;
  out.reserve(membership_ids.size());
  for (const auto& id : membership_ids) out.push_back(json::object{{"id", id}});
  return out;
}

// A call of Medusa v2's interface (`Call` a captureless lambda): its results have v2's shape.
template <class Call>
struct v2_call : Call {
  static constexpr dto_shape shape = dto_shape::v2;
};

template <class Call>
constexpr dto_shape shape_of() {
  if constexpr (requires { Call::shape; }) {
    return Call::shape;
  } else {
    return dto_shape::v1;
  }
}

// Runs `decode`; for a call of Medusa v2's interface, an error the decoder raises (a null in a
// non-nullable field, an unknown key) is worded as v2 words it, as the call's own errors are.
template <class Call, class Decode>
decltype(auto) decode_for(Decode&& decode) {
  if constexpr (shape_of<Call>() == dto_shape::v2) {
    try {
      return std::forward<Decode>(decode)();
    } catch (const error& e) {
      throw customer_module_v2::in_v2_words(e);
    }
  } else {
    return std::forward<Decode>(decode)();
  }
}

// The encoded result of `call(module, args...)`; null for a call that returns nothing.
template <class Call, class... Args>
json::value run(customer_module& module, Call call, const Args&... args) {
  if constexpr (std::is_void_v<std::invoke_result_t<Call, customer_module&, const Args&...>>) {
    call(module, args...);
    return nullptr;
  } else {
    return encode_result(call(module, args...), shape_of<Call>());
  }
}

json::value encode_stats(const module_stats& s) {
  json::object out{
      {"customers", s.customers},
      {"customerGroups", s.customer_groups},
      {"customerAddresses", s.customer_addresses},
      {"customerGroupCustomers", s.customer_group_customers},
      {"sequence", s.sequence},
      {"memoryBytes", s.memory_bytes},
      {"heapBytes", s.heap_bytes},
      {"poolBytes", s.pool_bytes},
      {"residentBytes", s.resident_bytes},
      {"pinnedReads", s.pinned_reads},
      {"lastSnapshotAt", nullptr},
      {"lastSnapshotSequence", nullptr},
  };
  if (s.last_snapshot_at) out["lastSnapshotAt"] = to_iso8601(*s.last_snapshot_at);
  if (s.last_snapshot_sequence) out["lastSnapshotSequence"] = *s.last_snapshot_sequence;
  return out;
}

// ---- Shapes ----------------------------------------------------------------------------------
// The handlers of the module's methods, by the shape of their params. Each takes `Call`, a
// captureless lambda `(customer_module&, args..., const context&)` that calls the module, and
// `Decode`, the codec function of the method's data.

// create-like methods: [data | data[], context?].
template <auto Decode, class Call>
constexpr method_handler create_like(Call) {
  return [](method_env& env, const params& p) -> json::value {
    const json::value& data = p.required(0);
    return with_context<access::writes>(env, p, 1, [&](const context& ctx) -> json::value {
      if (data.is_array()) {
        using dto = std::invoke_result_t<decltype(Decode), const json::value&, std::string_view>;
        const auto items = decode_for<Call>(
            [&] { return decode_each<dto>(data.get_array(), "params[0]", Decode); });
        return run(env.module, Call{}, std::span<const dto>(items), ctx);
      }
      if (!data.is_object()) fail(invalid_params, "params[0] must be an object or an array");
      return run(env.module, Call{}, decode_for<Call>([&] { return Decode(data, "params[0]"); }),
                 ctx);
    });
  };
}

// update-like methods: [id | ids[] | selector, data, context?].
template <auto Decode, class Call>
constexpr method_handler update_like(Call) {
  return [](method_env& env, const params& p) -> json::value {
    const auto data = decode_for<Call>([&] { return Decode(p.required(1), "params[1]"); });
    return with_context<access::writes>(env, p, 2, [&](const context& ctx) {
      return with_target(
          p[0], [&](const auto& target) { return run(env.module, Call{}, target, data, ctx); });
    });
  };
}

// delete-like methods: [id | ids[] | selector, context?].
template <class Call>
constexpr method_handler delete_like(Call) {
  return [](method_env& env, const params& p) -> json::value {
    return with_context<access::writes>(env, p, 1, [&](const context& ctx) {
      return with_target(p[0],
                         [&](const auto& target) { return run(env.module, Call{}, target, ctx); });
    });
  };
}

// retrieve-like methods: [id, config?, context?].
template <class Call>
constexpr method_handler retrieve_like(Call) {
  return [](method_env& env, const params& p) -> json::value {
    const id_view id = id_param(p[0], "params[0]");
    const find_config config = decode_find_config(p[1], "params[1]");
    return with_context(
        env, p, 2, [&](const context& ctx) { return run(env.module, Call{}, id, config, ctx); });
  };
}

// list-like methods: [filters?, config?, context?].
template <class Call>
constexpr method_handler list_like(Call) {
  return [](method_env& env, const params& p) -> json::value {
    const filter filters = p[0].is_null() ? filter{} : decode_filter(p[0], "params[0]");
    const find_config config = decode_find_config(p[1], "params[1]");
    return with_context(env, p, 2, [&](const context& ctx) {
      return run(env.module, Call{}, filters, config, ctx);
    });
  };
}

// softDelete-like methods: [ids[] | id | selector, config?, context?]; a selector (a filter
// object) for Medusa v2's, as its generated methods take one.
template <class Call>
constexpr method_handler soft_delete_like(Call) {
  return [](method_env& env, const params& p) -> json::value {
    const json::value& ids = p.required(0);
    const soft_delete_config config = decode_soft_delete_config(p[1], "params[1]");
    return with_context<access::writes>(env, p, 2, [&](const context& ctx) {
      if (ids.is_string()) return run(env.module, Call{}, id_param(ids, "params[0]"), config, ctx);
      if constexpr (shape_of<Call>() == dto_shape::v2) {
        if (ids.is_object())
          return run(env.module, Call{}, decode_filter(ids, "params[0]"), config, ctx);
      }
      return run(env.module, Call{}, decode_string_array(ids, "params[0]"), config, ctx);
    });
  };
}

// ---- Beyond the module -----------------------------------------------------------------------

// [{"timeoutMs": n}?].
json::value begin_transaction(method_env& env, const params& p) {
  p.at_most(1);
  std::optional<std::chrono::milliseconds> timeout;
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
      const auto max = env.transactions.max_timeout().count();
      if (!ms.is_int64() || ms.get_int64() <= 0 || ms.get_int64() > max) {
        fail(invalid_params,
             fmt::format("params[0].timeoutMs must be an integer from 1 to {}", max));
      }
      timeout = std::chrono::milliseconds(ms.get_int64());
    }
  }
  return json::object{{"transactionId", env.transactions.begin(timeout)}};
}

// [{"transactionId": ...}].
template <bool Commit>
json::value finish_transaction(method_env& env, const params& p) {
  p.at_most(1);
  const std::string_view id = transaction_id_param(p.required(0), "params[0]");
  if constexpr (Commit) {
    env.transactions.commit(id);
  } else {
    env.transactions.rollback(id);
  }
  return nullptr;
}

json::value ping(method_env&, const params& p) {
  p.at_most(0);
  return "pong";
}

json::value snapshot(method_env& env, const params& p) {
  p.at_most(0);
  const snapshot_info s = env.module.snapshot();
  return json::object{{"path", s.path.string()}, {"bytes", s.bytes}, {"sequence", s.sequence}};
}

json::value stats(method_env& env, const params& p) {
  p.at_most(0);
  json::value out = encode_stats(env.module.stats());
  if (env.replica) {
    // The reporter's text, checked: a malformed report fails this call, not the answer's JSON.
    json::value replica = json::parse(env.replica().json);
    if (!replica.is_object()) throw std::runtime_error("the replica's report is not a JSON object");
    out.as_object()["replica"] = std::move(replica);
  }
  return out;
}

json::value mark(method_env& env, const params& p) {
  p.at_most(0);
  return json::object{{"sequence", env.module.mark()}};
}

json::value rewind(method_env& env, const params& p) {
  p.at_most(0);
  return json::object{{"restored", env.module.rewind()}};
}

// [path]: a JSON Lines fixture file, a snapshot file or a data directory of the server's file
// system, imported as one commit.
json::value load_fixture(method_env& env, const params& p) {
  const json::value& given = p.required(0);
  p.at_most(1);
  if (!given.is_string()) fail(invalid_params, "params[0] must be a path (a string)");
  if (!env.fixture_files) {
    throw error(error_code::not_allowed,
                "loadFixture is disabled: this server does not read its files for clients "
                "(customerdb serve --fixture-files allows it)");
  }
  const std::string path(given.get_string());
  const auto about = [&](const error& e) {
    return error(e.code(), fmt::format("{}: {}", path, e.what()));
  };
  if (customer_module::is_store_source(path)) {
    try {
      return json::object{{"imported", env.module.import_store(path)}};
    } catch (const error& e) {
      throw about(e);
    }
  }
  std::ifstream in(path, std::ios::in | std::ios::binary);
  if (!in.is_open()) {
    throw error(error_code::io_error,
                fmt::format("Cannot open {}: {}", path, std::strerror(errno)));
  }
  staged_rows rows;
  try {
    stage_jsonl(in, rows);
    const std::size_t n = rows.size();
    env.module.import_rows(std::move(rows));
    return json::object{{"imported", n}};
  } catch (const error& e) {
    throw about(e);
  } catch (const std::exception& e) {  // the stream failed
    throw error(error_code::io_error, fmt::format("{}: {}", path, e.what()));
  }
}

json::value clear(method_env& env, const params& p) {
  p.at_most(0);
  return json::object{{"erased", env.module.clear()}};
}

// ---- The table -------------------------------------------------------------------------------

struct method {
  std::string_view name;
  method_handler run;
};

// The module calls: `m` is the module, `a...` the decoded params and the context.
#define CUSTOMERDB_CALL(fn) [](customer_module& m, const auto&... a) { return m.fn(a...); }

constexpr method methods[] = {
    // Customers.
    {"create", create_like<decode_input<create_customer_dto>>(CUSTOMERDB_CALL(create))},
    {"retrieve", retrieve_like(CUSTOMERDB_CALL(retrieve))},
    {"update", update_like<decode_input<customer_updatable_fields>>(CUSTOMERDB_CALL(update))},
    {"delete", delete_like(CUSTOMERDB_CALL(delete_customers))},
    {"list", list_like(CUSTOMERDB_CALL(list))},
    {"listAndCount", list_like(CUSTOMERDB_CALL(list_and_count))},
    {"softDelete", soft_delete_like(CUSTOMERDB_CALL(soft_delete))},
    {"restore", soft_delete_like(CUSTOMERDB_CALL(restore))},
    // Customer groups.
    {"createCustomerGroup",
     create_like<decode_input<create_customer_group_dto>>(CUSTOMERDB_CALL(create_customer_group))},
    {"retrieveCustomerGroup", retrieve_like(CUSTOMERDB_CALL(retrieve_customer_group))},
    {"updateCustomerGroups", update_like<decode_input<customer_group_updatable_fields>>(
                                 CUSTOMERDB_CALL(update_customer_groups))},
    {"deleteCustomerGroups", delete_like(CUSTOMERDB_CALL(delete_customer_groups))},
    {"listCustomerGroups", list_like(CUSTOMERDB_CALL(list_customer_groups))},
    {"listAndCountCustomerGroups", list_like(CUSTOMERDB_CALL(list_and_count_customer_groups))},
    {"softDeleteCustomerGroups", soft_delete_like(CUSTOMERDB_CALL(soft_delete_customer_groups))},
    {"restoreCustomerGroups", soft_delete_like(CUSTOMERDB_CALL(restore_customer_groups))},
    // Memberships.
    {"addCustomerToGroup",
     create_like<decode_group_customer_pair>(CUSTOMERDB_CALL(add_customer_to_group))},
    {"removeCustomerFromGroup",
     create_like<decode_group_customer_pair>(CUSTOMERDB_CALL(remove_customer_from_group))},
    {"listCustomerGroupCustomers", list_like(CUSTOMERDB_CALL(list_customer_group_customers))},
    // Addresses.
    {"addAddresses",
     create_like<decode_input<create_customer_address_dto>>(CUSTOMERDB_CALL(add_addresses))},
    {"updateAddresses",
     update_like<decode_input<update_customer_address_dto>>(CUSTOMERDB_CALL(update_addresses))},
    {"deleteAddresses", delete_like(CUSTOMERDB_CALL(delete_addresses))},
    {"listAddresses", list_like(CUSTOMERDB_CALL(list_addresses))},
    {"listAndCountAddresses", list_like(CUSTOMERDB_CALL(list_and_count_addresses))},
    // Beyond the module.
    {"beginTransaction", begin_transaction},
    {"commitTransaction", finish_transaction<true>},
    {"rollbackTransaction", finish_transaction<false>},
    {"ping", ping},
    {"snapshot", snapshot},
    {"stats", stats},
    // Fixtures.
    {"mark", mark},
    {"rewind", rewind},
    {"clear", clear},
    {"loadFixture", load_fixture},
};

// Medusa v2's interface (customer_module_v2.hpp), served as "v2.<name>", and under its bare name
// where v1 has no method of that name.
#define CUSTOMERDB_CALL_V2(fn) \
  v2_call<decltype([](customer_module& m, const auto&... a) { return m.v2().fn(a...); })> {}
#define CUSTOMERDB_V2_METHODS(X)                                                                  \
  X("retrieveCustomer", retrieve_like(CUSTOMERDB_CALL_V2(retrieve_customer)))                     \
  X("createCustomers",                                                                            \
    create_like<decode_input<create_customer_dto>>(CUSTOMERDB_CALL_V2(create_customers)))         \
  X("updateCustomers",                                                                            \
    update_like<decode_input<customer_updatable_fields>>(CUSTOMERDB_CALL_V2(update_customers)))   \
  X("deleteCustomers", delete_like(CUSTOMERDB_CALL_V2(delete_customers)))                         \
  X("listCustomers", list_like(CUSTOMERDB_CALL_V2(list_customers)))                               \
  X("listAndCountCustomers", list_like(CUSTOMERDB_CALL_V2(list_and_count_customers)))             \
  X("softDeleteCustomers", soft_delete_like(CUSTOMERDB_CALL_V2(soft_delete_customers)))           \
  X("restoreCustomers", soft_delete_like(CUSTOMERDB_CALL_V2(restore_customers)))                  \
  X("createCustomerAddresses", create_like<decode_input<create_customer_address_dto>>(            \
                                   CUSTOMERDB_CALL_V2(create_customer_addresses)))                \
  X("createCustomerGroups", create_like<decode_input<create_customer_group_dto>>(                 \
                                CUSTOMERDB_CALL_V2(create_customer_groups)))                      \
  X("retrieveCustomerAddress", retrieve_like(CUSTOMERDB_CALL_V2(retrieve_customer_address)))      \
  X("updateCustomerAddresses", update_like<decode_input<update_customer_address_dto>>(            \
                                   CUSTOMERDB_CALL_V2(update_customer_addresses)))                \
  X("deleteCustomerAddresses", delete_like(CUSTOMERDB_CALL_V2(delete_customer_addresses)))        \
  X("listCustomerAddresses", list_like(CUSTOMERDB_CALL_V2(list_customer_addresses)))              \
  X("listAndCountCustomerAddresses",                                                              \
    list_like(CUSTOMERDB_CALL_V2(list_and_count_customer_addresses)))                             \
  X("softDeleteCustomerAddresses",                                                                \
    soft_delete_like(CUSTOMERDB_CALL_V2(soft_delete_customer_addresses)))                         \
  X("restoreCustomerAddresses", soft_delete_like(CUSTOMERDB_CALL_V2(restore_customer_addresses))) \
  X("retrieveCustomerGroupCustomer",                                                              \
    retrieve_like(CUSTOMERDB_CALL_V2(retrieve_customer_group_customer)))                          \
  X("listAndCountCustomerGroupCustomers",                                                         \
    list_like(CUSTOMERDB_CALL_V2(list_and_count_customer_group_customers)))                       \
  X("deleteCustomerGroupCustomers",                                                               \
    delete_like(CUSTOMERDB_CALL_V2(delete_customer_group_customers)))                             \
  X("softDeleteCustomerGroupCustomers",                                                           \
    soft_delete_like(CUSTOMERDB_CALL_V2(soft_delete_customer_group_customers)))                   \
  X("restoreCustomerGroupCustomers",                                                              \
    soft_delete_like(CUSTOMERDB_CALL_V2(restore_customer_group_customers)))
// The v2 methods whose names v1 has too: only "v2.<name>" is v2.
#define CUSTOMERDB_V2_SHARED_METHODS(X)                                                            \
  X("retrieveCustomerGroup", retrieve_like(CUSTOMERDB_CALL_V2(retrieve_customer_group)))           \
  X("updateCustomerGroups", update_like<decode_input<customer_group_updatable_fields>>(            \
                                CUSTOMERDB_CALL_V2(update_customer_groups)))                       \
  X("deleteCustomerGroups", delete_like(CUSTOMERDB_CALL_V2(delete_customer_groups)))               \
  X("listCustomerGroups", list_like(CUSTOMERDB_CALL_V2(list_customer_groups)))                     \
  X("listAndCountCustomerGroups", list_like(CUSTOMERDB_CALL_V2(list_and_count_customer_groups)))   \
  X("softDeleteCustomerGroups", soft_delete_like(CUSTOMERDB_CALL_V2(soft_delete_customer_groups))) \
  X("restoreCustomerGroups", soft_delete_like(CUSTOMERDB_CALL_V2(restore_customer_groups)))        \
  X("addCustomerToGroup",                                                                          \
    create_like<decode_group_customer_pair>(CUSTOMERDB_CALL_V2(add_customer_to_group)))            \
  X("removeCustomerFromGroup",                                                                     \
    create_like<decode_group_customer_pair>(CUSTOMERDB_CALL_V2(remove_customer_from_group)))       \
  X("listCustomerGroupCustomers", list_like(CUSTOMERDB_CALL_V2(list_customer_group_customers)))
#define CUSTOMERDB_BARE(name, handler) method{name, handler},
#define CUSTOMERDB_PREFIXED(name, handler) method{"v2." name, handler},

constexpr method v2_methods[] = {
    CUSTOMERDB_V2_METHODS(CUSTOMERDB_BARE)             //
    CUSTOMERDB_V2_METHODS(CUSTOMERDB_PREFIXED)         //
    CUSTOMERDB_V2_SHARED_METHODS(CUSTOMERDB_PREFIXED)  //
};

#undef CUSTOMERDB_PREFIXED
#undef CUSTOMERDB_BARE
#undef CUSTOMERDB_V2_SHARED_METHODS
#undef CUSTOMERDB_V2_METHODS
#undef CUSTOMERDB_CALL_V2
#undef CUSTOMERDB_CALL

// The table sorted by name, for binary search.
constexpr auto by_name = [] {
  std::array<method, std::size(methods) + std::size(v2_methods)> sorted{};
  std::ranges::copy(v2_methods, std::ranges::copy(methods, sorted.begin()).out);
  std::ranges::sort(sorted, {}, &method::name);
  return sorted;
}();
static_assert(std::ranges::adjacent_find(by_name, {}, &method::name) == by_name.end(),
              "two methods share a name");

}  // namespace

method_handler find_method(std::string_view name) noexcept {
  const auto it = std::ranges::lower_bound(by_name, name, {}, &method::name);
  return it != by_name.end() && it->name == name ? it->run : nullptr;
}

}  // namespace customerdb::server::detail

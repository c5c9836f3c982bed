// Fuzz target: filters and find configs, as the list methods take them. The input is JSON: an
// array [filters, config] (the params of `listAndCount`; either may be null or left out) or a
// filters object alone. The JSON codec decodes both (server/src/json_codec.cpp), then each
// entity's listAndCount (memberships: list) compiles and runs them over a small store whose rows
// cover every column and relation, and the results are encoded as the server would send them.
//
// The store is built once and only read, so an input always runs the same way. Decoding and
// running may fail with customerdb::error (the codec's invalid_params, the engine's
// invalid_data); any other exception escapes and is reported by the fuzzer as a crash.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "customerdb/customer_module.hpp"
#include "customerdb/server/dispatcher.hpp"
#include "customerdb/server/json_codec.hpp"

namespace {

namespace json = boost::json;
using namespace customerdb;

// Inputs longer than this are skipped (scripts/fuzz also passes it as -max_len).
constexpr std::size_t max_input = 4096;

// The rows: groups (one soft-deleted), customers with every text column, metadata of every JSON
// type, a soft-deleted one, and addresses and memberships between them.
constexpr std::string_view fixture[] = {
    R"([{"id":"cusgroup_vip","name":"VIP","metadata":{"tier":"gold","rank":1}},)"
    R"({"id":"cusgroup_b2b","name":"B2B","created_by":"admin"},)"
    R"({"id":"cusgroup_old","name":"Old"}])",
    R"([{"id":"cus_ann","email":"ann@example.com","first_name":"Ann","last_name":"Lee",)"
    R"("company_name":"Acme","phone":"+4512345678","has_account":true,"created_by":"admin",)"
    R"("metadata":{"score":7,"tags":["a","b"],"nested":{"x":1.5,"y":null},"vip":true},)"
    R"("addresses":[{"id":"cuaddr_ann1","city":"Oslo","country_code":"no","is_default_billing":true,)"
    R"("is_default_shipping":true,"address_1":"Main St 1","postal_code":"0150"},)"
    R"({"id":"cuaddr_ann2","city":"Bergen","province":"Vestland","metadata":{"floor":3}}]},)"
    R"({"id":"cus_bob","email":"bob@example.org","first_name":"Bob","metadata":{"score":"7"},)"
    R"("addresses":[{"id":"cuaddr_bob1","company":"Bobco","address_name":"work","phone":"1"}]},)"
    R"({"id":"cus_cyd","email":"CYD@Example.com","last_name":"Ødegård","company_name":"Acme"},)"
    R"({"id":"cus_dan","email":"dan@example.com","has_account":true},)"
    R"({"id":"cus_eve","email":"ann@example.com","first_name":"Eve_%"}])",
    R"([{"customer_id":"cus_ann","customer_group_id":"cusgroup_vip"},)"
    R"({"customer_id":"cus_ann","customer_group_id":"cusgroup_b2b"},)"
    R"({"customer_id":"cus_bob","customer_group_id":"cusgroup_vip"},)"
    R"({"customer_id":"cus_cyd","customer_group_id":"cusgroup_old"}])",
};

// The calls that make the fixture's rows, in order.
struct fixture_call {
  std::string_view method;
  std::string_view data;
};
constexpr fixture_call fixture_calls[] = {
    {"createCustomerGroup", fixture[0]},
    {"create", fixture[1]},
    {"addCustomerToGroup", fixture[2]},
    {"softDeleteCustomerGroups", R"(["cusgroup_old"])"},
    {"softDelete", R"(["cus_dan"])"},
};

[[noreturn]] void fixture_failed(std::string_view method, const std::string& answer) {
  std::fprintf(stderr, "fuzz: the fixture's %.*s failed: %s\n", static_cast<int>(method.size()),
               method.data(), answer.c_str());
  std::abort();
}

// The store, filled on first use.
const customer_module& store() {
  static customer_module module;
  static const bool filled = [] {
    server::dispatcher rpc(module);
    for (const auto& call : fixture_calls) {
      const std::string request = std::string(R"({"jsonrpc":"2.0","id":1,"method":")") +
                                  std::string(call.method) + R"(","params":[)" +
                                  std::string(call.data) + "]}";
      const std::string answer = rpc.handle(request).value_or("");
      if (answer.find("\"result\"") == std::string::npos) fixture_failed(call.method, answer);
    }
    return true;
  }();
  (void)filled;
  return module;
}

// Runs one list method and encodes its result, as the server answers it; the engine's errors
// (invalid_data) are answers too.
template <class List>
void run(List list) {
  try {
    (void)json::serialize(server::encode(list()));
  } catch (const error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > max_input) return 0;
  const customer_module& m = store();
  json::parse_options options;
  options.max_depth = server::dispatcher_options{}.max_depth;
  json::error_code ec;
  const json::value input =
      json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, options);
  if (ec) return 0;
  const json::value absent;
  const json::value* filters = &input;
  const json::value* config = &absent;
  if (const auto* params = input.if_array()) {
    if (params->size() > 2) return 0;
    filters = params->empty() ? &absent : &(*params)[0];
    if (params->size() == 2) config = &(*params)[1];
  }
  filter f;
  find_config c;
  try {
    if (!filters->is_null()) f = server::decode_filter(*filters, "params[0]");
    c = server::decode_find_config(*config, "params[1]");
  } catch (const error&) {
    return 0;
  }
  run([&] { return m.list_and_count(f, c); });
  run([&] { return m.list_and_count_customer_groups(f, c); });
  run([&] { return m.list_and_count_addresses(f, c); });
  run([&] { return m.list_customer_group_customers(f, c); });
  return 0;
}

// Fuzz target: the JSON-RPC line handler, as `customerdb rpc` drives it. The input is the text of
// standard input: each line that is not blank is handed to the dispatcher of a module without a
// data directory, fresh for each input, whose clock starts at 2024-01-01 and ticks 1 ms a call
// (so that an input always runs the same way). Callers may supply ids, so lines can refer to the
// rows earlier lines created; `$TX` in a line stands for the id of the last transaction an
// earlier line of the input began.
//
// Checked on every answer: it is valid JSON, and no response in it is an internal_error (the
// dispatcher's answer to an exception it did not expect). Either failure aborts with the request
// and the answer on stderr.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "customerdb/customer_module.hpp"
#include "customerdb/server/dispatcher.hpp"

namespace {

namespace json = boost::json;

// Inputs longer than this are skipped (scripts/fuzz also passes it as -max_len).
constexpr std::size_t max_input = 8192;

[[noreturn]] void broken_contract(const char* what, std::string_view request,
                                  std::string_view answer) {
  std::fprintf(stderr, "fuzz: %s\nrequest: %.*s\nanswer: %.*s\n", what,
               static_cast<int>(request.size()), request.data(), static_cast<int>(answer.size()),
               answer.data());
  std::abort();
}

bool is_internal_error(const json::value& response) {
  const auto* object = response.if_object();
  if (!object) return false;
  const auto* error = object->if_contains("error");
  if (!error || !error->is_object()) return false;
  const auto* data = error->as_object().if_contains("data");
  if (!data || !data->is_object()) return false;
  const auto* type = data->as_object().if_contains("type");
  return type && type->is_string() && type->as_string() == "internal_error";
}

void check(std::string_view request, const std::string& answer) {
  json::error_code ec;
  const json::value v = json::parse(answer, ec);
  if (ec) broken_contract("the answer is not JSON", request, answer);
  if (is_internal_error(v)) broken_contract("internal_error", request, answer);
  if (const auto* batch = v.if_array()) {
    for (const auto& response : *batch) {
      if (is_internal_error(response)) broken_contract("internal_error", request, answer);
    }
  }
}

// The transactionId of a beginTransaction answer, if `answer` is one.
std::string transaction_of(const std::string& answer) {
  constexpr std::string_view key = "\"result\":{\"transactionId\":\"";
  const auto at = answer.find(key);
  if (at == std::string::npos) return {};
  const auto start = at + key.size();
  const auto end = answer.find('"', start);
  return end == std::string::npos ? std::string() : answer.substr(start, end - start);
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > max_input) return 0;
  using namespace customerdb;
  timestamp clock = timestamp(std::chrono::milliseconds(1'704'067'200'000));  // 2024-01-01
  module_options options;
  options.clock = [&clock] { return clock += std::chrono::milliseconds(1); };
  customer_module module(std::move(options));
  server::dispatcher rpc(module);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string transaction;
  while (!input.empty()) {
    const auto end = input.find('\n');
    std::string line(input.substr(0, end));
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!transaction.empty()) replace_all(line, "$TX", transaction);
    const auto answer = rpc.handle(line);
    if (!answer) continue;
    check(line, *answer);
    if (auto id = transaction_of(*answer); !id.empty()) transaction = std::move(id);
  }
  rpc.close();
  return 0;
}

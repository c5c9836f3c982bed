#include "server_flags.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace customerdb::cli {

namespace {

constexpr std::uint64_t one_day_ms = 24ull * 3600 * 1000;
constexpr std::uint64_t default_shutdown_timeout_ms = 10'000;

}  // namespace

void add_server_flags(po::options_description& options) {
  const server::dispatcher_options d;
  options.add_options()  //
      ("max-transactions",
       whole_number<std::size_t>(1)->default_value(d.max_transactions)->value_name("N"),
       "open transactions at once; beginTransaction beyond them is refused (not_allowed)")  //
      ("max-transaction-timeout-ms",
       whole_number<std::uint64_t>(1, one_day_ms)
           ->default_value(static_cast<std::uint64_t>(d.max_transaction_timeout.count()))
           ->value_name("MS"),
       "the longest timeoutMs beginTransaction accepts (invalid_params beyond it)")  //
      ("max-transaction-bytes",
       whole_number<std::size_t>(1)->default_value(d.max_transaction_bytes)->value_name("N"),
       "bytes of params the write calls of one transaction may send (not_allowed beyond)")  //
      ("max-open-transaction-bytes",
       whole_number<std::size_t>(1)->default_value(d.max_open_transaction_bytes)->value_name("N"),
       "the same over all open transactions together")  //
      ("shutdown-timeout-ms",
       whole_number<std::uint64_t>(0, one_day_ms)
           ->default_value(default_shutdown_timeout_ms)
           ->value_name("MS"),
       "after SIGINT or SIGTERM, requests still running after MS are cancelled (timed_out)");
}

server_flags read_server_flags(const po::variables_map& vars) {
  server_flags f;
  auto& d = f.dispatcher;
  d.max_transactions = vars["max-transactions"].as<std::size_t>();
  d.max_transaction_timeout =
      std::chrono::milliseconds(vars["max-transaction-timeout-ms"].as<std::uint64_t>());
  d.default_transaction_timeout = std::min(d.default_transaction_timeout, d.max_transaction_timeout);
  d.max_transaction_bytes = vars["max-transaction-bytes"].as<std::size_t>();
  d.max_open_transaction_bytes = vars["max-open-transaction-bytes"].as<std::size_t>();
  f.shutdown_timeout = std::chrono::milliseconds(vars["shutdown-timeout-ms"].as<std::uint64_t>());
  return f;
}

}  // namespace customerdb::cli

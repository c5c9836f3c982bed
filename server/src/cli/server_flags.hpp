// The flags `customerdb rpc` and `customerdb serve` share beyond persistence: the limits on what
// open transactions hold (docs/protocol.md, "Limits") and the shutdown grace period.
#pragma once

#include <chrono>

#include "command.hpp"
#include "customerdb/server/dispatcher.hpp"

namespace customerdb::cli {

// Adds --max-transactions, --max-transaction-timeout-ms, --max-transaction-bytes,
// --max-open-transaction-bytes (defaults from dispatcher_options) and --shutdown-timeout-ms.
void add_server_flags(po::options_description& options);

// What the flags of add_server_flags() gave. A --max-transaction-timeout-ms below the default
// transaction timeout (30 s) lowers that default too.
struct server_flags {
  server::dispatcher_options dispatcher;
  // After a stop signal, requests still running after this long are cancelled.
  std::chrono::milliseconds shutdown_timeout{10'000};
};
server_flags read_server_flags(const po::variables_map& vars);

}  // namespace customerdb::cli

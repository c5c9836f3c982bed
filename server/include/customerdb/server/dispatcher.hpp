// customerdb::server::dispatcher: the JSON-RPC 2.0 layer of the wire protocol
// (docs/protocol.md). It parses a request or a batch, calls the customer_module, and writes the
// response. Both transports (stdio and HTTP) hand it raw text and send back what it returns.
//
// Errors: every failure becomes a JSON-RPC error object; handle() itself never throws except
// std::bad_alloc. Module errors carry the module's message and `data.type`:
//   -32001 not_found, -32002 invalid_data, -32003 conflict, -32004 not_allowed, -32005 timed_out,
// protocol errors are -32700 parse_error, -32600 invalid_request, -32601 method_not_found,
// -32602 invalid_params (wrong number or JSON types of params) and -32603 internal_error.
//
// A response carries its request's id as sent: a number id keeps its characters
// (`1.50`, `123456789012345678901234567890`), which a parsed double would not.
//
// Transactions opened with beginTransaction live in a table keyed by an unguessable id
// ("tx_" + 32 hex digits) with a deadline; an expired transaction is rolled back and its id
// then fails with conflict. Their number, timeouts and the bytes their write calls send are
// limited (dispatcher_options); a call beyond a limit gets -32004 not_allowed and changes
// nothing.
//
// A store kept by a replica (`--replica-of`): with dispatcher_options::replica set, the `stats`
// method's result has a member "replica", the reporter's object (replica_report.hpp); an
// exception the reporter throws fails that call with internal_error.
//
// Thread-safe: handle() may be called from any number of threads at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "customerdb/customer_module.hpp"
#include "customerdb/server/replica_report.hpp"

namespace customerdb::server {

struct dispatcher_options {
  // The largest request or batch text accepted; larger ones get invalid_request.
  std::size_t max_request_bytes = 64u << 20;
  // The most requests in one batch; more get one invalid_request error.
  std::size_t max_batch = 10'000;
  // The deepest JSON nesting accepted; deeper text gets parse_error.
  std::size_t max_depth = 512;
  // Timeout of a transaction whose beginTransaction gives none (protocol default 30 s).
  std::chrono::milliseconds default_transaction_timeout{30'000};
  // The longest timeout beginTransaction accepts, and the longest timeoutMs of a call's context;
  // a longer one is invalid_params.
  std::chrono::milliseconds max_transaction_timeout{600'000};
  // The time budget of a module call whose context gives no timeoutMs (protocol default 30 s);
  // 0: none. Past its budget a call fails with timed_out and changes nothing.
  std::chrono::milliseconds request_timeout{30'000};
  // Open transactions at once; beginTransaction beyond it is not_allowed.
  std::size_t max_transactions = 1000;
  // Bytes of params (compact JSON) the write calls of one transaction may send, and of all
  // open transactions together; the call that would pass either is not_allowed.
  std::size_t max_transaction_bytes = 64u << 20;
  std::size_t max_open_transaction_bytes = std::size_t{1} << 30;
  // Whether loadFixture may read files and directories of the server's file system (with the
  // server's permissions); when false it fails with not_allowed. `customerdb rpc` allows it,
  // `customerdb serve` only with --fixture-files: an HTTP client is not trusted with the files.
  bool fixture_files = true;
  // Set: the store is a replica's, and `stats` reports it under "replica" (replica_report.hpp).
  // Called on the threads that call handle(), concurrently.
  replica_reporter replica{};
};

class dispatcher {
 public:
  // REQUIRES: `module` outlives the dispatcher.
  explicit dispatcher(customer_module& module, dispatcher_options options = {});
  ~dispatcher();
  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;

  // Answers one request or batch. Returns the response text (one line, no newline), or nullopt
  // when nothing is to be sent (a notification, or a batch of notifications only).
  std::optional<std::string> handle(std::string_view text);

  // The text of an invalid_request error for a request that was too large to read
  // (transports that stop reading at max_request_bytes send it).
  std::string request_too_large() const;

  // Rolls back every open transaction (clean shutdown).
  void close();

  const dispatcher_options& options() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace customerdb::server

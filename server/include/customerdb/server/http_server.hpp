// customerdb::server::http_server: the HTTP transport of the wire protocol (docs/protocol.md),
// an HTTP/1.1 server with keep-alive in front of a dispatcher.
//
//   POST /rpc     the body is a JSON-RPC request or batch; 200 application/json with the
//                 dispatcher's response, or 204 No Content when there is none (notifications).
//                 Any Content-Type is accepted.
//   GET  /health  200 {"status":"ok"}; for a replica's store (http_server_options::replica)
//                 200 {"status":"ok","replica":{...}}, or 503 {"status":"stale","replica":{...}}
//                 once the replica stopped for good (replica_report.hpp); 500 when the
//                 reporter throws.
//   other paths   404; another method on /rpc or /health: 405 with an Allow header.
//
// With a token set, every request (also /health) must carry `Authorization: Bearer <token>`,
// otherwise 401 (the body of such a request is not read). A body larger than the limit gets
// 413 Payload Too Large whose body is the dispatcher's request_too_large() JSON-RPC error
// (code -32600), and the connection is closed. Malformed HTTP gets 400 (431 for headers over
// 8 KiB) and the connection is closed.
//
// Connections are served asynchronously by a pool of threads, so a slow or stalled client holds
// a socket, never a thread. Each request is answered on a pool thread by dispatcher::handle().
//
// At most max_connections connections are open at once. When a new one arrives at the cap, the
// connection that has waited longest without a request being answered (idle keep-alive, or
// still sending its headers or body) is closed to make room, so idle or stalled clients cannot
// keep others out; only when every connection is answering a request is the new one refused:
// 503 Service Unavailable with a JSON-RPC error body (code -32004, type not_allowed,
// "Too many connections: all <N> are answering requests; retry later"), then closed.
//
// Thread-safety: stop(), answering() and port() may be called from any thread; run() once,
// from one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "customerdb/server/dispatcher.hpp"
#include "customerdb/server/replica_report.hpp"

namespace customerdb::server {

// The most threads an http_server runs (http_server_options::threads).
inline constexpr unsigned max_http_threads = 256;
// Connections open at once when http_server_options::max_connections is 0 and the file limit
// allows it.
inline constexpr std::size_t default_max_connections = 512;
// File descriptors kept for everything but connections (data files, the listening socket, ...).
inline constexpr std::size_t reserved_descriptors = 64;

// The threads an http_server runs when http_server_options::threads is 0: four per hardware
// thread, at least 8, at most max_http_threads. More than the cores, so that short requests are
// answered while long reads (which work no more at once than there are cores) run; see
// http_server.cpp.
unsigned default_http_threads() noexcept;

struct http_server_options {
  // The address to listen on: an IPv4 or IPv6 literal, or a host name resolved at start.
  std::string host = "127.0.0.1";
  // The TCP port; 0 picks a free one (see http_server::port()).
  std::uint16_t port = 7070;
  // When not empty, every request must carry `Authorization: Bearer <token>`. REQUIRED for an
  // address that is not a loopback address.
  std::string token;
  // The largest request body accepted; 0 means the dispatcher's max_request_bytes.
  std::size_t max_body_bytes = 0;
  // Threads serving connections and running requests, at most max_http_threads; 0 means
  // default_http_threads().
  unsigned threads = 0;
  // A connection is closed when waiting for the next request, reading one request's headers,
  // reading its body, or writing its response takes longer than this.
  std::chrono::milliseconds idle_timeout{60'000};
  // Connections open at once (see above); 0 means default_max_connections, lowered to fit the
  // process's file limit (RLIMIT_NOFILE) less reserved_descriptors.
  std::size_t max_connections = 0;
  // On stop(), requests already read get this long to be answered. Then `cancel` is called
  // (it should make the calls in progress fail soon, e.g. customer_module::cancel_calls()),
  // connections not computing an answer are closed, and those computing one close once its
  // answer is written (within 2 s).
  std::chrono::milliseconds shutdown_timeout{10'000};
  std::function<void()> cancel;
  // Receives the start-up line ("listening on http://127.0.0.1:7070") and error messages.
  // Null: they are printed to standard error as "customerdb: <message>".
  std::function<void(std::string_view)> log;
  // Set: the store is a replica's, and GET /health reports it (see above; replica_report.hpp).
  // Called on the pool's threads, concurrently, until run() returns.
  replica_reporter replica;
};

class http_server {
 public:
  // Resolves the host, checks the options and starts listening (connections wait in the
  // backlog until run()). Raises the process's soft file limit when max_connections needs it
  // and the hard limit allows it. Throws std::runtime_error with a message for the user when
  // `threads` is over max_http_threads, when max_connections plus reserved_descriptors is over
  // the hard file limit, when the host does not resolve, when it is not a loopback address and
  // no token is set, or when the port cannot be bound.
  explicit http_server(http_server_options options);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // The port listened on (the one picked when options.port was 0).
  std::uint16_t port() const noexcept;
  // The connections open at most (max_connections, or the default it was given).
  std::size_t max_connections() const noexcept;
  // Connections answering a request now (computing or writing an answer).
  std::size_t answering() const noexcept;
  // "http://127.0.0.1:7070" (IPv6 addresses in brackets).
  std::string url() const;

  // Logs "listening on <url>" and serves until stop(). Then it stops accepting, closes idle
  // connections, answers the requests already read (cancelling those still running after
  // shutdown_timeout, see there) and returns once every connection is closed. The caller then
  // calls dispatcher::close().
  // REQUIRES: called at most once; `dispatcher` outlives the call.
  void run(dispatcher& dispatcher);

  // Asks run() to shut down as described there; returns at once. Safe before run() too (run()
  // then returns as soon as it has started).
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace customerdb::server

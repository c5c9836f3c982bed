// detail::http_connection: one connection the HTTP listener (http_server.cpp) accepted, served
// as HTTP/1.1 with keep-alive on a strand of its own.
//
// A connection goes through: wait for a request's headers (idle) → check the token → read the
// body (reading_body) → answer it in dispatcher::handle() (computing) → write the answer
// (busy) → back to idle, or close. A request that is refused before its body is read (401, 413,
// malformed HTTP) is answered with `Connection: close`, then the connection half-closes and
// reads and discards whatever the client still sends for a moment ("lingering close"), so that
// the client sees the answer rather than a reset. What each request is answered comes from
// http_responses.hpp.
//
// Contract: create() makes a connection that is not yet admitted; the listener registers it in
// the table (http_shared_state::admit) and then calls start() or refuse(), once. The connection
// owns itself from then on (its pending operations hold it) and leaves the table when it is
// destroyed. Every wait, read and write has the server's idle timeout (past the shutdown
// timeout, writing an answer has 2 s). While a connection waits for a request or reads one, its
// activity record says so and since when, for the cap.
//
// Errors: none thrown; a failed read or write, a timeout or a cancel closes the connection.
//
// Thread-safety: every member may be called from any thread; each runs its work on the
// connection's strand, where all of its state is used.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>

namespace customerdb::server::detail {

struct http_shared_state;
struct connection_activity;

class http_connection {
 public:
  // A connection serving `socket`. REQUIRES: `state` outlives it.
  static std::shared_ptr<http_connection> create(boost::asio::ip::tcp::socket socket,
                                                 http_shared_state& state);
  virtual ~http_connection() = default;

  // The record the table shares (see http_shared_state.hpp).
  virtual const std::shared_ptr<connection_activity>& activity_record() const noexcept = 0;

  // Serves requests until the client closes, a timeout, or the listener closes it.
  virtual void start() = 0;

  // Answers 503 (the server is at its connection cap and every connection is answering) and
  // closes. The connection is not in the table and does not count as answering.
  virtual void refuse(std::size_t max_connections) = 0;

  // Closes the connection unless it is answering a request (then it closes after the answer).
  // A request not fully received is not in flight: nothing of it has run, and a stalled client
  // must not hold up the shutdown.
  virtual void stop() = 0;

  // After the shutdown timeout: closes the connection unless it is computing an answer (that
  // answer is then written with a short timeout).
  virtual void abort() = 0;

  // Closes the connection to make room for a new one, unless it started answering a request.
  virtual void evict() = 0;
};

}  // namespace customerdb::server::detail

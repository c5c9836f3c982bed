// detail::http_shared_state: what the HTTP listener (http_server.cpp) and every connection it
// accepted (http_connection.hpp) share: the server's settings, its shutdown flags and counters,
// and the table of live connections that holds the connection cap.
//
// Connection cap: every live connection has a connection_activity record, shared by the
// connection and the table so that the listener reads it without touching the connection:
// whether it is waiting for a request (idle or reading one) and since when. At the cap, admit()
// chooses the connection that has waited longest to be closed for room; when none is waiting,
// it refuses the new one (the listener then answers it 503 and closes it).
//
// Contract: one lives in http_server::impl, before the io_context, so it outlives every
// connection. The settings are set before the pool's threads start and only read afterwards.
// A connection is admitted once, and removes itself when it is destroyed.
//
// Errors: none (only std::bad_alloc from the table).
//
// Thread-safety: the atomics may be used from any thread; the table's members (admit, keep,
// remove, live_connections, all_connections) take `mutex` themselves and may be called from any
// thread; connection_activity::evicting is guarded by `mutex`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "customerdb/server/replica_report.hpp"

namespace customerdb::server {

class dispatcher;

namespace detail {

class http_connection;

// What the listener knows of a connection, shared by the connection and the table.
struct connection_activity {
  // True while the connection waits for a request or reads one (it may be closed for room).
  std::atomic<bool> waiting{true};
  // When that wait began (steady clock ticks).
  std::atomic<std::chrono::steady_clock::rep> since{
      std::chrono::steady_clock::now().time_since_epoch().count()};
  // Chosen to be closed for room (guarded by http_shared_state::mutex).
  bool evicting = false;
};

struct http_shared_state {
  dispatcher* rpc = nullptr;
  std::string token;
  std::size_t body_limit = 0;
  std::chrono::milliseconds idle_timeout{};
  std::size_t max_connections = 0;
  std::function<void(std::string_view)> log;
  replica_reporter replica;  // http_server_options::replica

  std::atomic<bool> stopping{false};
  // Set when the shutdown timeout passed: answers still to write get a short timeout.
  std::atomic<bool> cancelled{false};
  // Connections answering a request (computing or writing its answer), for the log of a signal.
  std::atomic<std::size_t> answering{0};
  // Connections being refused with 503.
  std::atomic<std::size_t> refusing{0};
  std::mutex mutex;
  struct entry {
    std::weak_ptr<http_connection> c;
    std::shared_ptr<connection_activity> a;
  };
  // Live connections, for stop() and the cap. Guarded by mutex.
  std::unordered_map<const http_connection*, entry> connections;
  // Connections in `connections` chosen to be closed for room. Guarded by mutex.
  std::size_t evicting = 0;

  enum class admission { admitted, refused, stopping };

  // Registers `c` if there is room, making room by choosing the connection that has waited
  // longest to be closed (returned in `evict`).
  admission admit(const std::shared_ptr<http_connection>& c,
                  const std::shared_ptr<connection_activity>& a,
                  std::weak_ptr<http_connection>& evict);
  // Undoes the choice of `a` to be closed for room (it started answering a request first).
  void keep(connection_activity& a);
  void remove(const http_connection* c);
  std::size_t live_connections();
  std::vector<std::weak_ptr<http_connection>> all_connections();
};

}  // namespace detail
}  // namespace customerdb::server

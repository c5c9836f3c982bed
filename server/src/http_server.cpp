// The HTTP transport (http_server.hpp): the listener, its pool of threads, the connection cap
// and the shutdown. A connection and its phases are in http_connection.hpp, the responses in
// http_responses.hpp, what the listener and the connections share in http_shared_state.hpp.
// Boost.Beast and Boost.Asio are used by these sources only: Beast is slow to compile, and the
// public header stays free of both (this file needs no Beast at all).
//
// Concurrency model: asynchronous Asio with a fixed pool of threads running one io_context, one
// strand per connection. A thread per connection would also work with timeouts, but then every
// idle keep-alive connection and every stalled client (half a request sent, then nothing) holds
// a thread and its stack until its timeout, so a few hundred such clients exhaust the process.
// Asynchronously a stalled client holds only a socket and a small buffer; the threads are free
// for the connections that have a complete request. Requests are answered inline on a pool
// thread: dispatcher::handle() never waits on I/O, and a request that takes long occupies one
// thread, not the server.
//
// Pool size: more threads than cores, by default four per hardware thread and at least 8
// (default_http_threads()). A pool of one thread per core would answer no fewer requests per
// second, but a few clients sending full scans back to back would keep every thread busy for
// seconds, and a `ping` or a one-row read would wait behind a scan. The extra threads cost
// commits nothing: no more long reads (scans, sorts, large answers) work at once than there are
// cores (engine/src/read_slots.hpp), and a long read waiting for its slot holds no latch, so a
// thread beyond the cores either runs a short request at once or waits, holding nothing, for a
// slot. Only as many long requests at once as the pool has threads would make short requests
// queue again; `--threads` sets the pool for such a load.
//
// Connection cap: at the cap the acceptor closes the connection that has waited longest for a
// request, or, when none is waiting, answers the new connection 503 and closes it
// (http_shared_state.hpp).
//
// Shutdown: the acceptor closes, connections that are not answering a request are closed, the
// others finish their answer (with `Connection: close`) and close. After shutdown_timeout the
// cancel hook runs, every connection not computing an answer is closed, and the answers still
// being computed (which the hook makes fail soon) are written with a short timeout. run()
// returns when no connection is left; it never abandons a thread inside dispatcher::handle().
#include "customerdb/server/http_server.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "http_connection.hpp"
#include "http_shared_state.hpp"

namespace customerdb::server {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using net_error = boost::system::error_code;
using detail::http_connection;
using detail::http_shared_state;

// How often a shutdown checks whether every connection is gone.
constexpr std::chrono::milliseconds shutdown_poll{20};
// Refused connections (503) being answered at once; beyond them new ones are closed unanswered.
constexpr std::size_t max_refusing = 64;

bool is_loopback(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
}

}  // namespace

struct http_server::impl {
  explicit impl(http_server_options opts) : options(std::move(opts)) {
    state.token = options.token;
    state.idle_timeout = options.idle_timeout;
    state.replica = options.replica;
    state.log = options.log ? options.log : [](std::string_view message) {
      fmt::print(stderr, "customerdb: {}\n", message);
      std::fflush(stderr);
    };
  }

  void listen() {
    net_error ec;
    auto address = asio::ip::make_address(options.host, ec);
    if (ec) {
      tcp::resolver resolver(ioc);
      auto results = resolver.resolve(options.host, "", ec);
      if (ec || results.empty()) {
        throw std::runtime_error(fmt::format("cannot resolve host '{}': {}", options.host,
                                             ec ? ec.message() : "no address"));
      }
      address = results.begin()->endpoint().address();
    }
    if (!is_loopback(address) && options.token.empty()) {
      throw std::runtime_error(fmt::format(
          "refusing to listen on {} without a token: anyone who can reach that address could "
          "read and change the data. Set a token with --token or CUSTOMERDB_TOKEN, or listen on "
          "127.0.0.1",
          options.host));
    }
    const tcp::endpoint endpoint(address, options.port);
    try {
      acceptor.open(endpoint.protocol());
      acceptor.set_option(asio::socket_base::reuse_address(true));
      acceptor.bind(endpoint);
      acceptor.listen(asio::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", options.host, options.port,
                                           e.code().message()));
    }
    bound = acceptor.local_endpoint();
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](net_error ec, tcp::socket socket) {
      if (state.stopping.load() || ec == asio::error::operation_aborted) return;
      if (ec) {
        // Out of descriptors or memory, for instance: wait a little instead of spinning.
        state.log(fmt::format("accept failed: {}", ec.message()));
        accept_retry.expires_after(std::chrono::milliseconds(100));
        accept_retry.async_wait([this](net_error wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      net_error ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto s = http_connection::create(std::move(socket), state);
      std::weak_ptr<http_connection> evict;
      switch (state.admit(s, s->activity_record(), evict)) {
        case http_shared_state::admission::admitted:
          if (auto victim = evict.lock()) victim->evict();
          s->start();
          break;
        case http_shared_state::admission::refused:
          // Beyond max_refusing the connection is closed unanswered (s goes here).
          if (state.refusing.load() < max_refusing) s->refuse(state.max_connections);
          break;
        case http_shared_state::admission::stopping:
          break;
      }
      accept();
    });
  }

  void stop() {
    {
      std::lock_guard lock(state.mutex);
      if (state.stopping.exchange(true)) return;
    }
    const auto live = state.all_connections();
    asio::post(acceptor.get_executor(), [this] {
      net_error ignored;
      acceptor.close(ignored);
      accept_retry.cancel();
    });
    for (const auto& weak : live) {
      if (auto s = weak.lock()) s->stop();
    }
    shutdown_deadline = std::chrono::steady_clock::now() + options.shutdown_timeout;
    asio::post(shutdown_timer.get_executor(), [this] { watch_shutdown(); });
  }

  // Polls until no connection is left (then lets the io_context run out of work). At the
  // deadline, cancels the requests still running and closes every connection not computing.
  void watch_shutdown() {
    if (state.live_connections() == 0) return;
    if (!state.cancelled.load() && std::chrono::steady_clock::now() >= shutdown_deadline) {
      state.cancelled.store(true);
      state.log(fmt::format("shutdown: cancelling {} request(s) still running after {} ms",
                            state.answering.load(), options.shutdown_timeout.count()));
      if (options.cancel) options.cancel();
      for (const auto& weak : state.all_connections()) {
        if (auto s = weak.lock()) s->abort();
      }
    }
    shutdown_timer.expires_after(shutdown_poll);
    shutdown_timer.async_wait([this](net_error) { watch_shutdown(); });
  }

  // Settles max_connections against the process's file limit (see the header).
  void fit_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
      state.max_connections =
          options.max_connections != 0 ? options.max_connections : default_max_connections;
      return;
    }
    // The connections `files` descriptors leave room for.
    const auto room = [](rlim_t files) -> std::size_t {
      if (files == RLIM_INFINITY) return std::numeric_limits<std::size_t>::max();
      return files > reserved_descriptors ? static_cast<std::size_t>(files) - reserved_descriptors
                                          : 0;
    };
    std::size_t wanted = options.max_connections;
    if (wanted == 0) {
      wanted = std::min(default_max_connections, room(limit.rlim_max));
      if (wanted == 0) {
        throw std::runtime_error(fmt::format(
            "the process may open only {} files (ulimit -n): too few to serve connections",
            limit.rlim_max));
      }
      if (wanted < default_max_connections) {
        state.log(fmt::format("at most {} connections: the process may open {} files", wanted,
                              limit.rlim_max));
      }
    }
    if (room(limit.rlim_cur) < wanted) {
      if (room(limit.rlim_max) < wanted) {
        throw std::runtime_error(fmt::format(
            "{} connections need {} file descriptors, but the process may open at most {} "
            "(ulimit -Hn)",
            wanted, wanted + reserved_descriptors, limit.rlim_max));
      }
      limit.rlim_cur = static_cast<rlim_t>(wanted + reserved_descriptors);
      if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        throw std::runtime_error(fmt::format(
            "{} connections need {} file descriptors, and the file limit could not be raised",
            wanted, wanted + reserved_descriptors));
      }
    }
    state.max_connections = wanted;
  }

  void run_loop() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        state.log(fmt::format("error: {}", e.what()));
      }
    }
  }

  std::string url() const {
    const auto address = bound.address();
    return address.is_v6() ? fmt::format("http://[{}]:{}", address.to_string(), bound.port())
                           : fmt::format("http://{}:{}", address.to_string(), bound.port());
  }

  http_server_options options;
  http_shared_state state;  // before ioc: connections destroyed with ioc still use it
  asio::io_context ioc;
  tcp::acceptor acceptor{asio::make_strand(ioc)};
  asio::steady_timer accept_retry{acceptor.get_executor()};
  asio::steady_timer shutdown_timer{asio::make_strand(ioc)};
  std::chrono::steady_clock::time_point shutdown_deadline{};
  tcp::endpoint bound;
  bool ran = false;
};

unsigned default_http_threads() noexcept {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::min(max_http_threads, std::max(8u, 4 * std::min(cores, max_http_threads)));
}

http_server::http_server(http_server_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {
  if (impl_->options.threads > max_http_threads) {
    throw std::runtime_error(fmt::format("at most {} threads can serve connections, not {}",
                                         max_http_threads, impl_->options.threads));
  }
  impl_->fit_file_limit();
  impl_->listen();
}

http_server::~http_server() = default;

std::uint16_t http_server::port() const noexcept { return impl_->bound.port(); }

std::string http_server::url() const { return impl_->url(); }

std::size_t http_server::max_connections() const noexcept { return impl_->state.max_connections; }

std::size_t http_server::answering() const noexcept { return impl_->state.answering.load(); }

void http_server::run(dispatcher& dispatcher) {
  auto& m = *impl_;
  if (m.ran) throw std::logic_error("http_server::run called twice");
  m.ran = true;
  m.state.rpc = &dispatcher;
  m.state.body_limit = m.options.max_body_bytes != 0 ? m.options.max_body_bytes
                                                     : dispatcher.options().max_request_bytes;
  asio::post(m.acceptor.get_executor(), [&m] {
    if (!m.state.stopping.load()) m.accept();
  });
  m.state.log(fmt::format("listening on {}", m.url()));

  const unsigned threads = m.options.threads != 0 ? m.options.threads : default_http_threads();
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&m] { m.run_loop(); });
  m.run_loop();
  for (auto& t : pool) t.join();
  m.state.log("stopped");
}

void http_server::stop() { impl_->stop(); }

}  // namespace customerdb::server

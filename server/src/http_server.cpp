// The HTTP transport (http_server.hpp). Every use of Boost.Beast and Boost.Asio in the project
// lives in this one translation unit: Beast is slow to compile, and the header stays free of it.
//
// Concurrency model: asynchronous Asio with a fixed pool of threads running one io_context, one
// strand per connection. A thread per connection would also work with timeouts, but then every
// idle keep-alive connection and every stalled client (half a request sent, then nothing) holds
// a thread and its stack until its timeout, so a few hundred such clients exhaust the process.
// Asynchronously a stalled client holds only a socket and a small buffer; the threads are free
// for the connections that have a complete request. Requests are answered inline on a pool
// thread: dispatcher::handle() is CPU-bound and never waits on I/O, so more threads than cores
// would not answer more requests, and a request that takes long occupies one thread, not the
// server.
//
// A connection goes through: wait for a request's headers (idle) → check the token → read the
// body (reading_body) → answer (busy) → write → back to idle, or close. A request that is
// refused before its body is read (401, 413, malformed HTTP) is answered with
// `Connection: close`, then the connection half-closes and reads and discards whatever the
// client still sends for a moment ("lingering close"), so that the client sees the answer
// rather than a reset.
//
// Shutdown: the acceptor closes, connections that are not answering a request are closed, the
// others finish their answer (with `Connection: close`) and close; run() returns when no
// connection is left, or after shutdown_timeout by stopping the io_context.
#include "customerdb/server/http_server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace customerdb::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using response = http::response<http::string_body>;

// How long a connection closed after a refused request keeps draining what the client sends.
constexpr std::chrono::seconds lingering_time{2};
// How often a shutdown checks whether every connection is gone.
constexpr std::chrono::milliseconds shutdown_poll{20};

bool is_loopback(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
}

// Compares without an early exit, so the time taken does not tell how much of a guess was right.
bool same_secret(std::string_view given, std::string_view expected) {
  const std::size_t n = std::max(given.size(), expected.size());
  unsigned diff = given.size() == expected.size() ? 0u : 1u;
  for (std::size_t i = 0; i < n; ++i) {
    const auto a = static_cast<unsigned char>(i < given.size() ? given[i] : 0);
    const auto b = static_cast<unsigned char>(i < expected.size() ? expected[i] : 0);
    diff |= static_cast<unsigned>(a ^ b);
  }
  return diff == 0;
}

// True when `authorization` is "Bearer <token>" (the scheme in any case, RFC 7235).
bool bearer_matches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() < scheme.size() ||
      !beast::iequals(authorization.substr(0, scheme.size()), scheme)) {
    return false;
  }
  auto credentials = authorization.substr(scheme.size());
  while (!credentials.empty() && (credentials.front() == ' ' || credentials.front() == '\t')) {
    credentials.remove_prefix(1);
  }
  return same_secret(credentials, token);
}

class session;

// What the acceptor and every session share. Lives in http_server::impl, before the
// io_context, so it outlives every session.
struct shared_state {
  dispatcher* rpc = nullptr;
  std::string token;
  std::size_t body_limit = 0;
  std::chrono::milliseconds idle_timeout{};
  std::function<void(std::string_view)> log;

  std::atomic<bool> stopping{false};
  // Connections answering a request (computing or writing its answer), for the log of a signal.
  std::atomic<std::size_t> answering{0};
  std::mutex mutex;
  // Live sessions, for stop(). Guarded by mutex.
  std::unordered_map<const session*, std::weak_ptr<session>> sessions;

  // Registers `s`; false once stopping (the caller then drops the connection).
  bool add(const std::shared_ptr<session>& s) {
    std::lock_guard lock(mutex);
    if (stopping.load()) return false;
    sessions.emplace(s.get(), s);
    return true;
  }
  void remove(const session* s) {
    std::lock_guard lock(mutex);
    sessions.erase(s);
  }
  std::size_t live_sessions() {
    std::lock_guard lock(mutex);
    return sessions.size();
  }
};

// One connection. All its members are used on its strand only.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, shared_state& state) : stream_(std::move(socket)), state_(state) {}
  ~session() {
    set_phase(phase::closing);
    state_.remove(this);
  }
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Closes the connection unless it is answering a request (then it closes after the answer).
  // A request not fully received is not in flight: nothing of it has run, and a stalled client
  // must not hold up the shutdown.
  void stop() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ != phase::busy) self->stream_.cancel();
    });
  }

 private:
  // idle: waiting for a request's headers; reading_body: reading its body; busy: answering it
  // and writing the answer; closing: after the last answer.
  enum class phase { idle, reading_body, busy, closing };

  // Sets phase_, keeping state_.answering the number of sessions that are busy.
  void set_phase(phase p) {
    if ((phase_ == phase::busy) != (p == phase::busy)) {
      if (p == phase::busy) {
        state_.answering.fetch_add(1);
      } else {
        state_.answering.fetch_sub(1);
      }
    }
    phase_ = p;
  }

  void read_header() {
    if (state_.stopping.load()) return close();
    set_phase(phase::idle);
    parser_.emplace();
    parser_->body_limit(state_.body_limit);
    stream_.expires_after(state_.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&session::on_header, shared_from_this()));
  }

  void on_header(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    const auto& req = parser_->get();
    if (!state_.token.empty() &&
        !bearer_matches(std::string_view(req[http::field::authorization]), state_.token)) {
      // The body of an unauthenticated request is not read: answer and close if there is one.
      response res = text_response(http::status::unauthorized, "missing or wrong bearer token\n");
      res.set(http::field::www_authenticate, "Bearer");
      return send(std::move(res), /*close=*/!parser_->is_done());
    }
    if (parser_->is_done()) return on_body({}, 0);
    set_phase(phase::reading_body);
    stream_.expires_after(state_.idle_timeout);
    if (beast::iequals(std::string_view(req[http::field::expect]), "100-continue")) {
      static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(continue_line.data(), continue_line.size()),
                        [self = shared_from_this()](error_code write_ec, std::size_t) {
                          if (write_ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&session::on_body, shared_from_this()));
  }

  void on_body(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    set_phase(phase::busy);  // handle() runs inline, so a stop() can only see this once written
    auto req = parser_->release();
    send(answer(req), /*close=*/!req.keep_alive());
  }

  void on_read_error(error_code ec) {
    if (ec == http::error::body_limit) {
      response res{http::status::payload_too_large, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = state_.rpc->request_too_large();
      return send(std::move(res), /*close=*/true);
    }
    if (ec == http::error::header_limit) {
      return send(text_response(http::status::request_header_fields_too_large,
                                "request headers too large\n"),
                  /*close=*/true);
    }
    // The client went away, timed out or was cancelled by a shutdown: nothing to answer.
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec.category() != http::make_error_code(http::error::end_of_stream).category()) {
      return close();
    }
    send(text_response(http::status::bad_request, fmt::format("bad request: {}\n", ec.message())),
         /*close=*/true);
  }

  response answer(const http::request<http::string_body>& req) {
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    if (target == "/rpc") {
      if (req.method() != http::verb::post) return not_allowed("POST");
      std::optional<std::string> out;
      try {
        out = state_.rpc->handle(req.body());
      } catch (const std::exception& e) {
        state_.log(fmt::format("error answering a request: {}", e.what()));
        return text_response(http::status::internal_server_error, "internal error\n");
      }
      if (!out) return response{http::status::no_content, 11};
      response res{http::status::ok, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = std::move(*out);
      return res;
    }
    if (target == "/health") {
      if (req.method() != http::verb::get) return not_allowed("GET");
      response res{http::status::ok, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = R"({"status":"ok"})";
      return res;
    }
    return text_response(http::status::not_found, "not found: use POST /rpc or GET /health\n");
  }

  static response not_allowed(std::string_view allow) {
    response res = text_response(http::status::method_not_allowed,
                                 fmt::format("method not allowed: use {}\n", allow));
    res.set(http::field::allow, allow);
    return res;
  }

  static response text_response(http::status status, std::string text) {
    response res{status, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(text);
    return res;
  }

  // Writes `res`; then reads the next request, or closes when `close`, when the client asked
  // for it or when the server is stopping.
  void send(response res, bool close) {
    set_phase(phase::busy);
    res_.emplace(std::move(res));
    res_->version(11);
    res_->set(http::field::server, "customerdb");
    res_->keep_alive(!close && !state_.stopping.load());
    // A 204 has neither a body nor a Content-Length (RFC 9110, 8.6).
    if (res_->result() != http::status::no_content) res_->prepare_payload();
    stream_.expires_after(state_.idle_timeout);
    http::async_write(stream_, *res_,
                      beast::bind_front_handler(&session::on_write, shared_from_this()));
  }

  void on_write(error_code ec, std::size_t) {
    if (ec) return close();
    const bool keep_alive = res_->keep_alive();
    res_.reset();
    if (keep_alive) return read_header();
    linger();
  }

  // Half-closes, then discards what the client still sends until it closes or lingering_time
  // passes, so that it reads the answer instead of getting a reset for unread data.
  void linger() {
    set_phase(phase::closing);
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(lingering_time);
    scratch_.resize(16 * 1024);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  void close() {
    set_phase(phase::closing);
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  shared_state& state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<response> res_;
  std::vector<char> scratch_;
  phase phase_ = phase::idle;
};

}  // namespace

struct http_server::impl {
  explicit impl(http_server_options opts) : options(std::move(opts)) {
    state.token = options.token;
    state.idle_timeout = options.idle_timeout;
    state.log = options.log ? options.log : [](std::string_view message) {
      fmt::print(stderr, "customerdb: {}\n", message);
      std::fflush(stderr);
    };
  }

  void listen() {
    error_code ec;
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
    acceptor.async_accept(asio::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      if (state.stopping.load() || ec == asio::error::operation_aborted) return;
      if (ec) {
        // Out of descriptors or memory, for instance: wait a little instead of spinning.
        state.log(fmt::format("accept failed: {}", ec.message()));
        accept_retry.expires_after(std::chrono::milliseconds(100));
        accept_retry.async_wait([this](error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto s = std::make_shared<session>(std::move(socket), state);
      if (state.add(s)) s->start();
      accept();
    });
  }

  void wait_for_signal() {
    signals->async_wait([this](error_code ec, int signal) {
      if (ec) return;
      if (state.stopping.load()) {
        state.log(fmt::format("signal {} again: stopping now", signal));
        ioc.stop();
        return;
      }
      state.log(fmt::format("signal {}: finishing {} request(s) in flight, then stopping", signal,
                            state.answering.load()));
      stop();
      wait_for_signal();
    });
  }

  void stop() {
    std::vector<std::weak_ptr<session>> live;
    {
      std::lock_guard lock(state.mutex);
      if (state.stopping.exchange(true)) return;
      for (const auto& [key, s] : state.sessions) live.push_back(s);
    }
    asio::post(acceptor.get_executor(), [this] {
      error_code ignored;
      acceptor.close(ignored);
      accept_retry.cancel();
    });
    for (const auto& weak : live) {
      if (auto s = weak.lock()) s->stop();
    }
    shutdown_deadline = std::chrono::steady_clock::now() + options.shutdown_timeout;
    asio::post(shutdown_timer.get_executor(), [this] { watch_shutdown(); });
  }

  // Polls until no connection is left (then lets the io_context run out of work) or until the
  // deadline (then stops it, dropping what is left).
  void watch_shutdown() {
    if (const auto left = state.live_sessions(); left > 0) {
      if (std::chrono::steady_clock::now() < shutdown_deadline) {
        shutdown_timer.expires_after(shutdown_poll);
        shutdown_timer.async_wait([this](error_code) { watch_shutdown(); });
        return;
      }
      state.log(fmt::format("shutdown timeout: dropping {} connection(s)", left));
      ioc.stop();
      return;
    }
    if (signals) {
      asio::post(signals->get_executor(), [this] {
        error_code ignored;
        signals->cancel(ignored);
      });
    }
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
  shared_state state;  // before ioc: sessions destroyed with ioc still use it
  asio::io_context ioc;
  tcp::acceptor acceptor{asio::make_strand(ioc)};
  asio::steady_timer accept_retry{acceptor.get_executor()};
  asio::steady_timer shutdown_timer{asio::make_strand(ioc)};
  std::chrono::steady_clock::time_point shutdown_deadline{};
  std::optional<asio::signal_set> signals;
  tcp::endpoint bound;
  bool ran = false;
};

http_server::http_server(http_server_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {
  if (impl_->options.threads > max_http_threads) {
    throw std::runtime_error(fmt::format("at most {} threads can serve connections, not {}",
                                         max_http_threads, impl_->options.threads));
  }
  impl_->listen();
}

http_server::~http_server() = default;

std::uint16_t http_server::port() const noexcept { return impl_->bound.port(); }

std::string http_server::url() const { return impl_->url(); }

void http_server::hold_stop_signals() {
  // Asio restores a signal's default action when the last signal set holding it goes; this one
  // never goes (it is reachable from a static, so not a leak), and its handler only notes the
  // signal.
  static auto* const context = new asio::io_context;
  static auto* const held = new asio::signal_set(*context, SIGINT, SIGTERM);
  (void)held;
}

void http_server::run(dispatcher& dispatcher) {
  auto& m = *impl_;
  if (m.ran) throw std::logic_error("http_server::run called twice");
  m.ran = true;
  m.state.rpc = &dispatcher;
  m.state.body_limit = m.options.max_body_bytes != 0 ? m.options.max_body_bytes
                                                     : dispatcher.options().max_request_bytes;
  if (m.options.stop_on_signals) {
    m.signals.emplace(asio::make_strand(m.ioc), SIGINT, SIGTERM);
    m.wait_for_signal();
  }
  asio::post(m.acceptor.get_executor(), [&m] {
    if (!m.state.stopping.load()) m.accept();
  });
  m.state.log(fmt::format("listening on {}", m.url()));

  const unsigned threads = m.options.threads != 0
                               ? m.options.threads
                               : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&m] { m.run_loop(); });
  m.run_loop();
  for (auto& t : pool) t.join();
  m.state.log("stopped");
}

void http_server::stop() { impl_->stop(); }

}  // namespace customerdb::server

// The HTTP transport (http_server.hpp). Every use of Boost.Beast and Boost.Asio in the project
// lives in this one translation unit: Beast is slow to compile, and the header stays free of it.
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
// A connection goes through: wait for a request's headers (idle) → check the token → read the
// body (reading_body) → answer (busy) → write → back to idle, or close. A request that is
// refused before its body is read (401, 413, malformed HTTP) is answered with
// `Connection: close`, then the connection half-closes and reads and discards whatever the
// client still sends for a moment ("lingering close"), so that the client sees the answer
// rather than a reset.
//
// Connection cap: every live connection has an `activity` record (shared with the table of
// sessions, so the acceptor reads it without touching the session): whether it is waiting for a
// request (idle or reading one) and since when. At the cap the acceptor closes the one that has
// waited longest, or, when none is waiting, answers the new connection 503 and closes it.
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
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <exception>
#include <limits>
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
using net_error = boost::system::error_code;
using response = http::response<http::string_body>;

// How long a connection closed after a refused request keeps draining what the client sends.
constexpr std::chrono::seconds lingering_time{2};
// How often a shutdown checks whether every connection is gone.
constexpr std::chrono::milliseconds shutdown_poll{20};
// Refused connections (503) being answered at once; beyond them new ones are closed unanswered.
constexpr std::size_t max_refusing = 64;

using steady = std::chrono::steady_clock;

// What the acceptor knows of a connection, shared by the session and the table of sessions.
struct activity {
  // True while the connection waits for a request or reads one (it may be closed for room).
  std::atomic<bool> waiting{true};
  // When that wait began (steady clock ticks).
  std::atomic<steady::rep> since{steady::now().time_since_epoch().count()};
  // Chosen to be closed for room (guarded by shared_state::mutex).
  bool evicting = false;
};

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
    std::weak_ptr<session> s;
    std::shared_ptr<activity> a;
  };
  // Live sessions, for stop() and the cap. Guarded by mutex.
  std::unordered_map<const session*, entry> sessions;
  // Sessions in `sessions` chosen to be closed for room. Guarded by mutex.
  std::size_t evicting = 0;

  enum class admission { admitted, refused, stopping };

  // Registers `s` if there is room, making room by choosing the connection that has waited
  // longest to be closed (returned in `evict`).
  admission admit(const std::shared_ptr<session>& s, const std::shared_ptr<activity>& a,
                  std::weak_ptr<session>& evict) {
    std::lock_guard lock(mutex);
    if (stopping.load()) return admission::stopping;
    if (sessions.size() - evicting >= max_connections) {
      entry* oldest = nullptr;
      for (auto& [key, e] : sessions) {
        if (e.a->evicting || !e.a->waiting.load()) continue;
        if (!oldest || e.a->since.load() < oldest->a->since.load()) oldest = &e;
      }
      if (!oldest) return admission::refused;
      oldest->a->evicting = true;
      ++evicting;
      evict = oldest->s;
    }
    sessions.emplace(s.get(), entry{s, a});
    return admission::admitted;
  }
  // Undoes the choice of `a` to be closed for room (it started answering a request first).
  void keep(activity& a) {
    std::lock_guard lock(mutex);
    if (a.evicting) {
      a.evicting = false;
      --evicting;
    }
  }
  void remove(const session* s) {
    std::lock_guard lock(mutex);
    const auto it = sessions.find(s);
    if (it == sessions.end()) return;
    if (it->second.a->evicting) --evicting;
    sessions.erase(it);
  }
  std::size_t live_sessions() {
    std::lock_guard lock(mutex);
    return sessions.size();
  }
  std::vector<std::weak_ptr<session>> all_sessions() {
    std::lock_guard lock(mutex);
    std::vector<std::weak_ptr<session>> out;
    out.reserve(sessions.size());
    for (const auto& [key, e] : sessions) out.push_back(e.s);
    return out;
  }
};

// One connection. All its members are used on its strand only.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, shared_state& state)
      : stream_(std::move(socket)), state_(state), activity_(std::make_shared<activity>()) {}
  ~session() {
    set_phase(phase::closing);
    if (refused_) state_.refusing.fetch_sub(1);
    state_.remove(this);
  }
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  const std::shared_ptr<activity>& activity_record() const noexcept { return activity_; }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Answers 503 (the server is at its connection cap and every connection is answering) and
  // closes. The session is not in the table and does not count as answering.
  void refuse(std::size_t max_connections) {
    refused_ = true;
    state_.refusing.fetch_add(1);
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), max_connections] {
      response res{http::status::service_unavailable, 11};
      res.set(http::field::content_type, "application/json");
      res.set(http::field::retry_after, "1");
      res.body() =
          fmt::format(R"({{"jsonrpc":"2.0","id":null,"error":{{"code":-32004,"message":"Too many )"
                      R"(connections: all {} are answering requests; retry later","data":{{"type":)"
                      R"("not_allowed"}}}}}})",
                      max_connections);
      self->send(std::move(res), /*close=*/true);
    });
  }

  // Closes the connection unless it is answering a request (then it closes after the answer).
  // A request not fully received is not in flight: nothing of it has run, and a stalled client
  // must not hold up the shutdown.
  void stop() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ != phase::computing && self->phase_ != phase::busy) self->stream_.cancel();
    });
  }

  // After the shutdown timeout: closes the connection unless it is computing an answer (that
  // answer is then written with a short timeout, see send()).
  void abort() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ != phase::computing) self->close();
    });
  }

  // Closes the connection to make room for a new one, unless it started answering a request.
  void evict() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ == phase::idle || self->phase_ == phase::reading_body) {
        self->close();
      } else {
        self->state_.keep(*self->activity_);
      }
    });
  }

 private:
  // idle: waiting for a request's headers; reading_body: reading its body; computing: running
  // it in dispatcher::handle(); busy: writing an answer; closing: after the last answer.
  enum class phase { idle, reading_body, computing, busy, closing };

  static bool answering(phase p) { return p == phase::computing || p == phase::busy; }

  // Sets phase_, keeping state_.answering the number of sessions computing or writing an
  // answer, and the activity record the acceptor reads.
  void set_phase(phase p) {
    if (!refused_ && answering(phase_) != answering(p)) {
      if (answering(p)) {
        state_.answering.fetch_add(1);
      } else {
        state_.answering.fetch_sub(1);
      }
    }
    if (p == phase::idle) {
      activity_->since.store(steady::now().time_since_epoch().count());
      activity_->waiting.store(true);
    } else if (p != phase::reading_body) {
      activity_->waiting.store(false);
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

  void on_header(net_error ec, std::size_t) {
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
                        [self = shared_from_this()](net_error write_ec, std::size_t) {
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

  void on_body(net_error ec, std::size_t) {
    if (ec) return on_read_error(ec);
    set_phase(phase::computing);  // handle() runs inline: stop() and abort() see it afterwards
    auto req = parser_->release();
    send(answer(req), /*close=*/!req.keep_alive());
  }

  void on_read_error(net_error ec) {
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
      return health();
    }
    return text_response(http::status::not_found, "not found: use POST /rpc or GET /health\n");
  }

  // GET /health: ok, with the replica's report when the store is a replica's.
  response health() {
    response res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    if (!state_.replica) {
      res.body() = R"({"status":"ok"})";
      return res;
    }
    replica_report report;
    try {
      report = state_.replica();
    } catch (const std::exception& e) {
      state_.log(fmt::format("error reporting the replica's health: {}", e.what()));
      return text_response(http::status::internal_server_error, "internal error\n");
    }
    if (report.stale) res.result(http::status::service_unavailable);
    res.body() = fmt::format(R"({{"status":"{}","replica":{}}})", report.stale ? "stale" : "ok",
                             report.json);
    return res;
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
    // Past the shutdown timeout a client that does not read its answer cannot hold the shutdown.
    stream_.expires_after(state_.cancelled.load() ? std::chrono::milliseconds(lingering_time)
                                                  : state_.idle_timeout);
    http::async_write(stream_, *res_,
                      beast::bind_front_handler(&session::on_write, shared_from_this()));
  }

  void on_write(net_error ec, std::size_t) {
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
    net_error ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(lingering_time);
    scratch_.resize(16 * 1024);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](net_error ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  void close() {
    set_phase(phase::closing);
    net_error ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  shared_state& state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<response> res_;
  std::vector<char> scratch_;
  std::shared_ptr<activity> activity_;
  phase phase_ = phase::idle;
  bool refused_ = false;
};

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
      auto s = std::make_shared<session>(std::move(socket), state);
      std::weak_ptr<session> evict;
      switch (state.admit(s, s->activity_record(), evict)) {
        case shared_state::admission::admitted:
          if (auto victim = evict.lock()) victim->evict();
          s->start();
          break;
        case shared_state::admission::refused:
          // Beyond max_refusing the connection is closed unanswered (s goes here).
          if (state.refusing.load() < max_refusing) s->refuse(state.max_connections);
          break;
        case shared_state::admission::stopping:
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
    const auto live = state.all_sessions();
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
    if (state.live_sessions() == 0) return;
    if (!state.cancelled.load() && std::chrono::steady_clock::now() >= shutdown_deadline) {
      state.cancelled.store(true);
      state.log(fmt::format("shutdown: cancelling {} request(s) still running after {} ms",
                            state.answering.load(), options.shutdown_timeout.count()));
      if (options.cancel) options.cancel();
      for (const auto& weak : state.all_sessions()) {
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
  shared_state state;  // before ioc: sessions destroyed with ioc still use it
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

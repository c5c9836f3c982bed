// One connection of the HTTP transport and its phases (http_connection.hpp), on Boost.Beast.
#include "http_connection.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "http_responses.hpp"
#include "http_shared_state.hpp"

namespace customerdb::server::detail {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using net_error = boost::system::error_code;

// How long a connection closed after a refused request keeps draining what the client sends.
constexpr std::chrono::seconds lingering_time{2};

// All its members are used on its strand only.
class beast_http_connection final : public http_connection,
                                    public std::enable_shared_from_this<beast_http_connection> {
 public:
  beast_http_connection(tcp::socket socket, http_shared_state& state)
      : stream_(std::move(socket)),
        state_(state),
        activity_(std::make_shared<connection_activity>()) {}
  ~beast_http_connection() override {
    set_phase(phase::closing);
    if (refused_) state_.refusing.fetch_sub(1);
    state_.remove(this);
  }
  beast_http_connection(const beast_http_connection&) = delete;
  beast_http_connection& operator=(const beast_http_connection&) = delete;

  const std::shared_ptr<connection_activity>& activity_record() const noexcept override {
    return activity_;
  }

  void start() override {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  void refuse(std::size_t max_connections) override {
    refused_ = true;
    state_.refusing.fetch_add(1);
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), max_connections] {
      self->send(too_many_connections(max_connections), /*close=*/true);
    });
  }

  void stop() override {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ != phase::computing && self->phase_ != phase::busy) self->stream_.cancel();
    });
  }

  void abort() override {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ != phase::computing) self->close();
    });
  }

  void evict() override {
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

  // Sets phase_, keeping state_.answering the number of connections computing or writing an
  // answer, and the activity record the listener reads.
  void set_phase(phase p) {
    if (!refused_ && answering(phase_) != answering(p)) {
      if (answering(p)) {
        state_.answering.fetch_add(1);
      } else {
        state_.answering.fetch_sub(1);
      }
    }
    if (p == phase::idle) {
      activity_->since.store(std::chrono::steady_clock::now().time_since_epoch().count());
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
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&beast_http_connection::on_header, shared_from_this()));
  }

  void on_header(net_error ec, std::size_t) {
    if (ec) return on_read_error(ec);
    const auto& req = parser_->get();
    if (!state_.token.empty() &&
        !bearer_matches(std::string_view(req[http::field::authorization]), state_.token)) {
      // The body of an unauthenticated request is not read: answer and close if there is one.
      return send(unauthorized(), /*close=*/!parser_->is_done());
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
    http::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&beast_http_connection::on_body, shared_from_this()));
  }

  void on_body(net_error ec, std::size_t) {
    if (ec) return on_read_error(ec);
    set_phase(phase::computing);  // handle() runs inline: stop() and abort() see it afterwards
    auto req = parser_->release();
    send(answer(req, state_), /*close=*/!req.keep_alive());
  }

  void on_read_error(net_error ec) {
    auto res = read_error_answer(ec, state_);
    if (!res) return close();
    send(std::move(*res), /*close=*/true);
  }

  // Writes `res`; then reads the next request, or closes when `close`, when the client asked
  // for it or when the server is stopping.
  void send(http_response res, bool close) {
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
    http::async_write(
        stream_, *res_,
        beast::bind_front_handler(&beast_http_connection::on_write, shared_from_this()));
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
  http_shared_state& state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http_response> res_;
  std::vector<char> scratch_;
  std::shared_ptr<connection_activity> activity_;
  phase phase_ = phase::idle;
  bool refused_ = false;
};

}  // namespace

std::shared_ptr<http_connection> http_connection::create(tcp::socket socket,
                                                         http_shared_state& state) {
  return std::make_shared<beast_http_connection>(std::move(socket), state);
}

}  // namespace customerdb::server::detail

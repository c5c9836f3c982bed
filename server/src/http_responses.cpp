// The responses of the HTTP transport (http_responses.hpp).
#include "http_responses.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <exception>
#include <string>
#include <utility>

#include "customerdb/server/dispatcher.hpp"
#include "http_shared_state.hpp"

namespace customerdb::server::detail {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;

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

http_response text_response(http::status status, std::string text) {
  http_response res{status, 11};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::move(text);
  return res;
}

http_response not_allowed(std::string_view allow) {
  http_response res = text_response(http::status::method_not_allowed,
                                    fmt::format("method not allowed: use {}\n", allow));
  res.set(http::field::allow, allow);
  return res;
}

// GET /health: ok, with the replica's report when the store is a replica's.
http_response health(const http_shared_state& state) {
  http_response res{http::status::ok, 11};
  res.set(http::field::content_type, "application/json");
  if (!state.replica) {
    res.body() = R"({"status":"ok"})";
    return res;
  }
  replica_report report;
  try {
    report = state.replica();
  } catch (const std::exception& e) {
    state.log(fmt::format("error reporting the replica's health: {}", e.what()));
    return text_response(http::status::internal_server_error, "internal error\n");
  }
  if (report.stale) res.result(http::status::service_unavailable);
  res.body() =
      fmt::format(R"({{"status":"{}","replica":{}}})", report.stale ? "stale" : "ok", report.json);
  return res;
}

}  // namespace

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

http_response answer(const http_request& req, const http_shared_state& state) {
  std::string_view target = req.target();
  target = target.substr(0, target.find('?'));
  if (target == "/rpc") {
    if (req.method() != http::verb::post) return not_allowed("POST");
    std::optional<std::string> out;
    try {
      out = state.rpc->handle(req.body());
    } catch (const std::exception& e) {
      state.log(fmt::format("error answering a request: {}", e.what()));
      return text_response(http::status::internal_server_error, "internal error\n");
    }
    if (!out) return http_response{http::status::no_content, 11};
    http_response res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(*out);
    return res;
  }
  if (target == "/health") {
    if (req.method() != http::verb::get) return not_allowed("GET");
    return health(state);
  }
  return text_response(http::status::not_found, "not found: use POST /rpc or GET /health\n");
}

http_response unauthorized() {
  http_response res = text_response(http::status::unauthorized, "missing or wrong bearer token\n");
  res.set(http::field::www_authenticate, "Bearer");
  return res;
}

http_response too_many_connections(std::size_t max_connections) {
  http_response res{http::status::service_unavailable, 11};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::retry_after, "1");
  res.body() =
      fmt::format(R"({{"jsonrpc":"2.0","id":null,"error":{{"code":-32004,"message":"Too many )"
                  R"(connections: all {} are answering requests; retry later","data":{{"type":)"
                  R"("not_allowed"}}}}}})",
                  max_connections);
  return res;
}

std::optional<http_response> read_error_answer(boost::system::error_code ec,
                                               const http_shared_state& state) {
  if (ec == http::error::body_limit) {
    http_response res{http::status::payload_too_large, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = state.rpc->request_too_large();
    return res;
  }
  if (ec == http::error::header_limit) {
    return text_response(http::status::request_header_fields_too_large,
                         "request headers too large\n");
  }
  // The client went away, timed out or was cancelled by a shutdown: nothing to answer.
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec.category() != http::make_error_code(http::error::end_of_stream).category()) {
    return std::nullopt;
  }
  return text_response(http::status::bad_request, fmt::format("bad request: {}\n", ec.message()));
}

}  // namespace customerdb::server::detail

// The responses of the HTTP transport, the API that http_server.hpp describes: how a request is
// routed (POST /rpc to the dispatcher, GET /health, 404 and 405 for the rest), and the refusals
// (401 without the bearer token, 503 at the connection cap, 413, 431 and 400 for a request that
// could not be read).
//
// Contract: each function builds a response and does no I/O. The connection that writes one
// (http_connection.cpp) sets its framing: HTTP/1.1, the Server header, keep-alive and the
// Content-Length.
//
// Errors: answer() turns an exception from dispatcher::handle() or from the replica's reporter
// into 500 "internal error" and logs it through http_shared_state::log; nothing else throws
// (but std::bad_alloc).
//
// Thread-safety: every function may be called from any number of threads at once (the
// dispatcher and the reporter may be).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <optional>
#include <string_view>

namespace customerdb::server::detail {

struct http_shared_state;

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// True when `authorization` is "Bearer <token>" (the scheme in any case, RFC 7235). The token
// is compared in a time that does not tell how much of a guess was right.
bool bearer_matches(std::string_view authorization, std::string_view token);

// The answer to a request read whole (and authorized): /rpc, /health, 404 or 405.
http_response answer(const http_request& req, const http_shared_state& state);

// 401 for a request without the right bearer token.
http_response unauthorized();

// 503 with a JSON-RPC error body: the server is at its connection cap and every connection is
// answering a request.
http_response too_many_connections(std::size_t max_connections);

// The answer to a request that could not be read for `ec`: 413 (body over the limit, with the
// dispatcher's request_too_large() body), 431 (headers too large) or 400 (malformed HTTP).
// Nothing (the connection is just closed) when the client went away, timed out or was
// cancelled by a shutdown.
std::optional<http_response> read_error_answer(boost::system::error_code ec,
                                               const http_shared_state& state);

}  // namespace customerdb::server::detail

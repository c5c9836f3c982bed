// `customerdb serve`: the HTTP transport of docs/protocol.md.
#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>

#include "command.hpp"
#include "customerdb/server/dispatcher.hpp"
#include "customerdb/server/http_server.hpp"
#include "server_flags.hpp"

namespace customerdb::cli {

namespace {

constexpr std::string_view summary =
    R"(Answers JSON-RPC requests over HTTP/1.1 (docs/protocol.md describes them): POST /rpc with a
request or batch as the body, GET /health. Stops cleanly on SIGINT or SIGTERM: requests in
flight are answered and, with --data, the store is made durable.)";

}  // namespace

int serve_command(const arguments& args) {
  server::http_server_options http;
  server::dispatcher_options rpc;
  const std::string threads_help =
      fmt::format("threads serving requests, at most {} (0: one per hardware thread)",
                  server::max_http_threads);
  po::options_description options("Options");
  options.add_options()  //
      ("host", po::value<std::string>()->default_value(http.host)->value_name("ADDRESS"),
       "listen on ADDRESS; an address that is not loopback needs a token")  //
      ("port", whole_number<unsigned>(0, 65535)->default_value(http.port)->value_name("PORT"),
       "listen on PORT (0: any free port; the port is printed on standard error)")  //
      ("token", po::value<std::string>()->value_name("TOKEN"),
       "require `Authorization: Bearer TOKEN` on every request (default: the environment "
       "variable CUSTOMERDB_TOKEN)")  //
      ("max-request-bytes",
       whole_number<std::size_t>(1)->default_value(rpc.max_request_bytes)->value_name("N"),
       "the largest request body; larger ones get 413 with a JSON-RPC invalid_request error")  //
      ("threads",
       whole_number<unsigned>(0, server::max_http_threads)->default_value(0)->value_name("N"),
       threads_help.c_str());
  add_server_flags(options);
  auto p = parse_with_persistence("customerdb serve [options]", summary, options, nullptr, args);
  if (p.exit_status) return *p.exit_status;
  const server_flags flags = read_server_flags(p.vars);
  rpc = flags.dispatcher;

  http.port = static_cast<std::uint16_t>(p.vars["port"].as<unsigned>());
  http.host = p.vars["host"].as<std::string>();
  if (p.vars.count("token")) {
    http.token = p.vars["token"].as<std::string>();
  } else if (const char* env = std::getenv("CUSTOMERDB_TOKEN")) {
    http.token = env;
  }
  rpc.max_request_bytes = p.vars["max-request-bytes"].as<std::size_t>();
  http.threads = p.vars["threads"].as<unsigned>();
  http.stop_on_signals = true;
  http.shutdown_timeout = flags.shutdown_timeout;

  // Listen before loading the data: a refused address or a busy port fails at once.
  std::optional<server::http_server> server;
  try {
    server.emplace(std::move(http));
  } catch (const std::exception& e) {
    report_error(e.what());
    return 1;
  }
  auto module = open_module(p.persistence);
  if (!module) return 1;
  server::dispatcher dispatcher(*module, rpc);
  server->run(dispatcher);
  // The server has stopped, and what is left is making the store durable and exiting: a
  // repeated SIGINT or SIGTERM must not cut that short, at any moment.
  server::http_server::hold_stop_signals();
  server.reset();
  dispatcher.close();
  return 0;  // the module's destructor makes the data durable
}

}  // namespace customerdb::cli

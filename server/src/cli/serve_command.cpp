// `customerdb serve`: the HTTP transport of docs/protocol.md.
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "command.hpp"
#include "customerdb/server/dispatcher.hpp"
#include "customerdb/server/http_server.hpp"
#include "replica_flags.hpp"
#include "server_flags.hpp"
#include "stop_signals.hpp"

namespace customerdb::cli {

namespace {

constexpr std::string_view serve_summary =
    R"(Answers JSON-RPC requests over HTTP/1.1 (docs/protocol.md describes them): POST /rpc with a
request or batch as the body, GET /health. Stops cleanly on SIGINT or SIGTERM: requests in
flight are answered (those still running after --shutdown-timeout-ms are cancelled), open
transactions are rolled back and, with --data, the store is made durable; exit status 0. A
second signal stops at once (exit status 128 + the signal), skipping the journal's final sync.)";

}  // namespace

int serve_command(const arguments& args) {
  server::http_server_options http;
  server::dispatcher_options rpc;
  const std::string threads_help =
      fmt::format("threads serving requests, at most {} (0: four per hardware thread, at least "
                  "8: {} here). More than the cores, so that short requests are answered while "
                  "long reads run: those beyond the cores wait for a turn without holding up "
                  "commits",
                  server::max_http_threads, server::default_http_threads());
  const std::string max_connections_help = fmt::format(
      "connections open at once; at the cap the longest-waiting idle one is closed, and when "
      "all are answering requests a new one gets 503 (default: {}, lowered to fit the file "
      "limit)",
      server::default_max_connections);
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
       threads_help.c_str())  //
      ("max-connections", whole_number<std::size_t>(1)->value_name("N"),
       max_connections_help.c_str())  //
      ("idle-timeout-ms",
       whole_number<std::uint64_t>(1, 24ull * 3600 * 1000)
           ->default_value(static_cast<std::uint64_t>(http.idle_timeout.count()))
           ->value_name("MS"),
       "close a connection idle (or stalled mid-request) for MS")  //
      ("fixture-files", po::bool_switch(),
       "let clients load fixture files and data directories of this machine (loadFixture, "
       "with this process's permissions); off by default");
  add_server_flags(options);
#ifdef CUSTOMERDB_WITH_POSTGRES
  add_replica_flags(options);
#endif
  auto p = parse_with_persistence("customerdb serve [options]", serve_summary, options, nullptr, args,
                                  store_access::serving);
  if (p.exit_status) return *p.exit_status;
  const server_flags flags = read_server_flags(p.vars);
  rpc = flags.dispatcher;
  rpc.fixture_files = p.vars["fixture-files"].as<bool>();
  // Before any thread starts, so that every thread leaves the signals to it.
  stop_signals signals;

  http.port = static_cast<std::uint16_t>(p.vars["port"].as<unsigned>());
  http.host = p.vars["host"].as<std::string>();
  if (p.vars.count("token")) {
    http.token = p.vars["token"].as<std::string>();
  } else if (const char* env = std::getenv("CUSTOMERDB_TOKEN")) {
    http.token = env;
  }
  rpc.max_request_bytes = p.vars["max-request-bytes"].as<std::size_t>();
  rpc.request_timeout = p.request_timeout;
  http.threads = p.vars["threads"].as<unsigned>();
  if (p.vars.count("max-connections")) {
    http.max_connections = p.vars["max-connections"].as<std::size_t>();
  }
  http.idle_timeout = std::chrono::milliseconds(p.vars["idle-timeout-ms"].as<std::uint64_t>());
  http.shutdown_timeout = flags.shutdown_timeout;
  // Called only once run() has started, so when the module is open.
  std::unique_ptr<customer_module> module;
  http.cancel = [&module] { module->cancel_calls(); };
#ifdef CUSTOMERDB_WITH_POSTGRES
  replica_link replica(read_replica_flags(p));  // after the module: destroyed before it
  if (p.exit_status) return *p.exit_status;
  http.replica = rpc.replica = replica.reporter();
#endif

  // Listen before loading the data: a refused address or a busy port fails at once.
  std::optional<server::http_server> server;
  try {
    server.emplace(std::move(http));
  } catch (const std::exception& e) {
    report_error(e.what());
    return 1;
  }
  // A signal while the data loads stops the server as soon as it runs.
  stop_handler_scope on_signal(signals, [&server](int signal) {
    report_error(fmt::format("signal {}: finishing {} request(s) in flight, then stopping", signal,
                             server->answering()));
    server->stop();
  });
  module = open_module(p.persistence, p.limits, p.long_reads, p.replica_of);
  if (!module) return 1;
#ifdef CUSTOMERDB_WITH_POSTGRES
  replica.start(*module);
#endif
  server::dispatcher dispatcher(*module, rpc);
  server->run(dispatcher);
  // What is left is rolling back and making the store durable: one more signal is ignored, a
  // second one stops at once (stop_signals.hpp).
  on_signal.reset();
  server.reset();
  dispatcher.close();
#ifdef CUSTOMERDB_WITH_POSTGRES
  replica.stop();  // before the module it writes to
#endif
  return 0;  // the module's destructor makes the data durable
}

}  // namespace customerdb::cli

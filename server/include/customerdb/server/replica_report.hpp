// customerdb::server::replica_report: what a server says about the replica that keeps its store
// a copy of another database (`customerdb serve --replica-of`, `rpc --replica-of`;
// docs/protocol.md, "stats" and "GET /health").
//
// The server library knows nothing of where the store's rows come from: the program gives the
// dispatcher (dispatcher_options::replica) and the HTTP server (http_server_options::replica) a
// reporter, a function that describes the replica as it is now. With one set, the `stats`
// method's result has a member "replica" holding the report's object, and GET /health answers
//   200 {"status":"ok","replica":{...}}      the replica is working (or reconnecting)
//   503 {"status":"stale","replica":{...}}   it stopped for good; the store serves its last state
// Without one, both answer as for any store.
//
// Errors: an exception the reporter throws fails that `stats` call (internal_error) or that
// /health request (500); the server goes on serving.
//
// Thread-safety: the servers call the reporter from any of their threads, concurrently: it must
// be safe to call so, for as long as the server that holds it answers requests.
#pragma once

#include <functional>
#include <string>

namespace customerdb::server {

struct replica_report {
  // The replica stopped for good (its store keeps serving its last state): /health answers 503.
  bool stale = false;
  // A JSON object's text: {"state":"streaming",...}. REQUIRED: a valid JSON object; it is sent
  // as it is (`stats` fails with internal_error when it does not parse as an object).
  std::string json;
};

// Describes the replica now. Null: the store is not a replica.
using replica_reporter = std::function<replica_report()>;

}  // namespace customerdb::server

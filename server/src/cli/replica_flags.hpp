// `customerdb rpc --replica-of URL` and `customerdb serve --replica-of URL`: the store kept a
// read-only copy of Medusa's customer tables in PostgreSQL by a postgres::replica
// (customerdb/postgres/replica.hpp). Built with PostgreSQL only: the definitions are in
// pg_replica.cpp, and rpc and serve call them under #ifdef CUSTOMERDB_WITH_POSTGRES.
//
// In a command: add_replica_flags() before parsing; read_replica_flags() after it (it sets what
// the module is opened with); a replica_link declared after the module's pointer, started once
// the module is open, its reporter given to the dispatcher (and the HTTP server), and stopped
// after they stopped, before the module is destroyed.
//
// Thread-safety: read_replica_flags and replica_link's members run on the command's thread; the
// reporter may be called from any thread, concurrently with itself and with stop().
#pragma once

#include <memory>
#include <string>

#include "command.hpp"
#include "customerdb/server/replica_report.hpp"

namespace customerdb::cli {

// Adds --replica-of URL, --replica-slot NAME and --replica-publication NAME (both "customerdb"
// by default).
void add_replica_flags(po::options_description& options);

// What the flags gave. `source` is empty without --replica-of.
struct replica_flags {
  std::string source;       // as given, password included: what the replica connects with
  std::string slot;         // the replication slot on the source
  std::string publication;  // the source's publication of the four tables
};

// Reads the flags of add_replica_flags() from `parsed` (does nothing when parsed.exit_status is
// set). With --replica-of: parsed.replica_of becomes the source without its password and, with
// --data, parsed.persistence.fsync becomes always (the replica confirms a position to the
// source once it is applied, and the source may then recycle the WAL before it: only `always`
// makes it durable by then). Usage errors, printed as "customerdb: <message>" with
// parsed.exit_status set to 2: an explicit --fsync other than always with --data, --copy-on-open
// (its writes are never kept, yet the source would forget them), an empty URL, slot or
// publication, and --replica-slot or --replica-publication without --replica-of.
replica_flags read_replica_flags(parsed_with_persistence& parsed);

// The replica of a command's store, from start() to stop() (or destruction).
class replica_link {
 public:
  explicit replica_link(replica_flags flags);
  ~replica_link();  // stop()
  replica_link(const replica_link&) = delete;
  replica_link& operator=(const replica_link&) = delete;

  // Starts replicating into `store` (opened with parsed.replica_of), logging each of the
  // replica's lines to standard error as "customerdb: replica: <line>". Does nothing without
  // --replica-of. REQUIRES: `store` outlives stop(); called at most once. Throws what
  // postgres::replica's constructor throws (std::invalid_argument); every later failure is in
  // the report (and the log).
  void start(customer_module& store);

  // Null without --replica-of. Otherwise the replica's status as a JSON object (docs/protocol.md,
  // "stats"), stale when the replica stopped for good; before start() and after stop(), state
  // "connecting" and "stopped" with no figures. Valid while this object lives.
  server::replica_reporter reporter() const;

  // Stops the replica and waits for its thread (a fraction of a second). Call it after the
  // servers stopped and before the store is destroyed. Idempotent; never throws.
  void stop() noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace customerdb::cli

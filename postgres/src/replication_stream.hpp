// replication_stream: the client side of PostgreSQL's logical replication protocol over one
// replication connection (replication=database), with the pgoutput plugin, protocol version 1:
// the slot commands, then the stream of a publication's changes, decoded (pgoutput.hpp).
//
//   replication_stream s(conninfo);
//   auto slot = s.create_slot("replica");        // before the initial copy (see create_slot)
//   s.start("replica", slot.consistent_point, "customers");
//   for (;;) {
//     auto e = s.next(std::chrono::seconds(1));
//     if (auto* d = std::get_if<replication_stream::xlog_data>(&e)) {
//       ... apply d->message; after a commit is applied durably:
//       if (auto* c = std::get_if<pgoutput::commit>(&d->message)) s.confirm(c->end_lsn);
//     } else if (std::holds_alternative<replication_stream::end_of_stream>(e)) break;
//   }
//
// Delivery is at least once from the confirmed position: after a reconnection, start() from
// the last confirmed LSN (or 0/0, the slot's confirmed position) delivers every transaction
// whose commit ends after it, whole (Begin, Relation messages again since the session is new,
// the changes, Commit), and none that ends at or before it. The server keeps the WAL from the
// slot's confirmed position on, so confirm what is applied, and not more.
//
// Keepalives are answered inside next(), each with a standby status update: the server sends
// one only when it waits to hear from the stream, whether it sets the reply flag or not. The
// update reports the last confirmed LSN as flushed and applied (never more: a keepalive must
// not move the slot past what the caller applied) and the end of what was received as written.
// Without next() being called, the server ends the connection after wal_sender_timeout (60 s
// by default).
//
// Errors throw pg_error: a command the server refuses ("PostgreSQL refused `<command>`: ERROR:
// replication slot \"x\" does not exist"), a lost connection or an error the server sends
// during the stream ("replication stream on <conninfo>: <server's message>"), a payload that is
// not a valid message (the decoder's message, with the LSN). After an error during the stream
// the object is of no further use but to be destroyed.
//
// Not thread-safe: one thread at a time calls its members (libpq's rule for a connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "customerdb/postgres/connection.hpp"
#include "customerdb/postgres/lsn.hpp"
#include "pgoutput.hpp"

namespace customerdb::postgres {

class replication_stream {
 public:
  struct system_identity {
    std::uint64_t system_id = 0;  // the cluster's unique identifier
    std::uint32_t timeline = 0;
    lsn xlogpos;         // the current WAL flush position
    std::string dbname;  // the database of the connection
  };

  struct created_slot {
    std::string slot_name;
    lsn consistent_point;       // the stream of the slot starts after this position
    std::string snapshot_name;  // the exported snapshot: see create_slot
    std::string output_plugin;  // "pgoutput"
  };

  // A pgoutput message, with where it is in the WAL (XLogData's header).
  struct xlog_data {
    lsn wal_start;  // the WAL position of this message; 0/0 for Relation messages
    lsn wal_end;    // the end of the server's WAL when it was sent
    pgoutput::pg_timestamp send_time = 0;  // the server's clock then
    pgoutput::message message;
  };
  struct timeout {};  // nothing arrived within next()'s timeout
  // The server ended the stream: it shuts down. It does so only once everything it sent is
  // confirmed; otherwise it waits, then ends the connection after wal_sender_timeout (an error).
  struct end_of_stream {};
  using event = std::variant<xlog_data, timeout, end_of_stream>;

  // Opens a replication connection (connection.hpp: conninfo is a libpq connection string or
  // URL; its options may set wal_sender_timeout) with DateStyle ISO and TimeZone UTC, so that
  // the stream's timestamps read "2024-05-24 10:00:00.123456+00". Throws pg_error.
  explicit replication_stream(const std::string& conninfo);
  ~replication_stream();
  replication_stream(const replication_stream&) = delete;
  replication_stream& operator=(const replication_stream&) = delete;

  // IDENTIFY_SYSTEM. REQUIRES: not started. Throws pg_error.
  system_identity identify_system();

  // CREATE_REPLICATION_SLOT name LOGICAL pgoutput (SNAPSHOT 'export'): a permanent slot whose
  // stream starts at consistent_point. The exported snapshot shows the database exactly as of
  // consistent_point, so an initial copy made in it plus the stream from consistent_point
  // misses nothing and repeats nothing. It stays valid only until the next command on this
  // connection (start() included): the caller imports it on another (ordinary) connection,
  //   BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '<snapshot_name>';
  // and finishes its copy (or at least imports the snapshot) before calling anything else here.
  // Waits for the transactions running at the time to end. REQUIRES: not started. Throws
  // pg_error (a slot of that name exists, max_replication_slots reached, wal_level not logical).
  created_slot create_slot(std::string_view name);

  // DROP_REPLICATION_SLOT name. Fails when a stream uses the slot (the server's "replication
  // slot \"x\" is active for PID n"), so drop a slot from another object than the one streaming
  // from it. REQUIRES: not started. Throws pg_error.
  void drop_slot(std::string_view name);

  // START_REPLICATION SLOT slot LOGICAL from (proto_version '1', publication_names
  // '"publication"'): streams the changes of the publication from `from` (0/0: from the
  // slot's confirmed position). The names are quoted as needed (any characters). REQUIRES:
  // not started. Throws pg_error (no such slot, slot active, no such publication...).
  void start(std::string_view slot, lsn from, std::string_view publication);

  // The next event, waiting at most `wait` (0: only what has arrived): a decoded message,
  // timeout when none arrived in time (keepalives are not events), or end_of_stream once the
  // server ended the stream (every later call returns end_of_stream again). REQUIRES:
  // started. Throws pg_error (see above).
  event next(std::chrono::milliseconds wait);

  // Sends a standby status update: written = flushed = applied = `position`, the client clock,
  // no reply requested. The server may then recycle the WAL before `position`, and a later
  // start() from 0/0 continues after it. Confirming less than before is ignored by the server.
  // REQUIRES: started. Throws pg_error.
  void confirm(lsn position);

  // The last position confirmed (or start()'s `from`), and the end of the server's WAL as the
  // last XLogData or keepalive reported it (how far behind the stream is).
  lsn confirmed() const noexcept { return confirmed_; }
  lsn server_wal_end() const noexcept { return server_wal_end_; }
  // Keepalives received, and those answered (for tests, statistics).
  std::uint64_t keepalives() const noexcept { return keepalives_; }
  std::uint64_t keepalive_replies() const noexcept { return keepalive_replies_; }

 private:
  enum class state { idle, streaming, ended, failed };

  void require(state expected, std::string_view call) const;
  [[noreturn]] void stream_failed(std::string_view what);
  // A standby status update; false when it could not be sent.
  bool try_send_status(lsn written, lsn applied);
  // A message of the stream: returns true and fills `out` for XLogData, false otherwise.
  bool handle(std::string_view copy_data, event& out);
  event finish_copy();

  connection conn_;
  state state_ = state::idle;
  lsn confirmed_;
  lsn server_wal_end_;
  std::uint64_t keepalives_ = 0;
  std::uint64_t keepalive_replies_ = 0;
};

}  // namespace customerdb::postgres

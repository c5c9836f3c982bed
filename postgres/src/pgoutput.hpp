// pgoutput: the messages of PostgreSQL's logical replication output plugin, protocol version 1
// (PostgreSQL 15, "Logical Replication Message Formats"), decoded from the bytes of one
// XLogData payload into plain structs.
//
//   'B' begin      'C' commit     'O' origin     'R' relation   'Y' type
//   'I' insert     'U' update     'D' delete     'T' truncate   'M' logical decoding message
//
// Integers are big-endian, read byte by byte (any alignment). Names are the server's
// NUL-terminated strings; column values are kept as the bytes the server sent (text format).
// Version 1 has no transaction ids in change messages and no streaming or two-phase
// messages: their tags ('S', 'E', 'c', 'A', 'b', 'P', 'K', 'r', 's') are unknown tags here,
// as are the binary column values ('b') that only the `binary` option asks for.
//
// decode() throws pg_error for every malformed input, naming the message, what was wrong and
// the byte offset in the payload (0 is the tag):
//   pgoutput: empty message
//   pgoutput: unknown message tag 'x' at offset 0
//   pgoutput: truncated Insert message: relation id needs 4 bytes at offset 1, 2 left
//   pgoutput: truncated Relation message: name at offset 9 has no terminating NUL
//   pgoutput: unknown column kind 'q' in Insert message at offset 8 (column 1 of 3)
//   pgoutput: Insert message: length of column 1 is negative (-2) at offset 9
//   pgoutput: Update message: expected 'K', 'O' or 'N' at offset 5, got 'x'
//   pgoutput: Relation message: unknown replica identity 'z' at offset 12
//   pgoutput: Truncate message: unknown option bits 0x04 at offset 5
//   pgoutput: 3 trailing bytes after Commit message at offset 26
// A byte is shown as 'c' when printable ASCII, else as 0xNN.
//
// It allocates only what the decoded values hold (names, column values, the vectors, reserved
// no larger than the remaining bytes could fill). Stateless: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "customerdb/postgres/lsn.hpp"

namespace customerdb::postgres::pgoutput {

// Microseconds since 2000-01-01 00:00:00 UTC (PostgreSQL's epoch), as the server sends them.
using pg_timestamp = std::int64_t;

struct begin {
  lsn final_lsn;  // the LSN of the transaction's commit record
  pg_timestamp commit_time = 0;
  std::uint32_t xid = 0;
  friend bool operator==(const begin&, const begin&) = default;
};

struct commit {
  std::uint8_t flags = 0;  // unused by the server (0)
  lsn commit_lsn;          // the LSN of the commit record (begin::final_lsn)
  lsn end_lsn;             // the end of the commit record: what a replica confirms
  pg_timestamp commit_time = 0;
  friend bool operator==(const commit&, const commit&) = default;
};

// The transaction came from another server through a replication origin.
struct origin {
  lsn commit_lsn;  // the commit's LSN on the origin server
  std::string name;
  friend bool operator==(const origin&, const origin&) = default;
};

enum class replica_identity : char { default_key = 'd', nothing = 'n', full = 'f', index = 'i' };

struct relation_column {
  std::uint8_t flags = 0;  // bit 0: part of the replica identity key
  std::string name;
  std::uint32_t type_oid = 0;
  std::int32_t type_modifier = -1;
  bool key() const noexcept { return (flags & 1) != 0; }
  friend bool operator==(const relation_column&, const relation_column&) = default;
};

// Sent before the first change of a relation in a session, and again after the relation
// changed; later changes name it by relation_id.
struct relation {
  std::uint32_t relation_id = 0;
  std::string namespace_name;  // the schema; "" for pg_catalog
  std::string name;
  pgoutput::replica_identity replica_identity = pgoutput::replica_identity::default_key;
  std::vector<relation_column> columns;
  friend bool operator==(const relation&, const relation&) = default;
};

// A non-built-in type of a column of a relation message that follows.
struct type {
  std::uint32_t type_oid = 0;
  std::string namespace_name;
  std::string name;
  friend bool operator==(const type&, const type&) = default;
};

enum class value_kind : char {
  null = 'n',
  unchanged = 'u',  // a TOASTed value the change did not touch: not sent
  text = 't',
};

struct column_value {
  value_kind kind = value_kind::null;
  std::string text;  // the value in text format, for value_kind::text only
  friend bool operator==(const column_value&, const column_value&) = default;
};

// A row: one value per column of the relation, in its order.
using tuple = std::vector<column_value>;

// Which old row an update or delete carries.
enum class old_tuple_kind : char {
  none = 0,   // update only: the key did not change and the identity is not FULL
  key = 'K',  // the replica identity's columns (the others are null)
  full = 'O'  // the whole old row (REPLICA IDENTITY FULL)
};

struct insert {
  std::uint32_t relation_id = 0;
  tuple new_tuple;
  friend bool operator==(const insert&, const insert&) = default;
};

struct update {
  std::uint32_t relation_id = 0;
  old_tuple_kind old_kind = old_tuple_kind::none;
  tuple old_tuple;  // empty with old_tuple_kind::none
  tuple new_tuple;
  friend bool operator==(const update&, const update&) = default;
};

struct remove {  // 'D' ("delete" is a keyword)
  std::uint32_t relation_id = 0;
  old_tuple_kind old_kind = old_tuple_kind::key;  // key or full
  tuple old_tuple;
  friend bool operator==(const remove&, const remove&) = default;
};

struct truncate {
  std::vector<std::uint32_t> relation_ids;
  bool cascade = false;
  bool restart_identity = false;
  friend bool operator==(const truncate&, const truncate&) = default;
};

// pg_logical_emit_message (sent only when the `messages` option asks for them).
struct logical_message {
  bool transactional = false;
  lsn message_lsn;
  std::string prefix;
  std::string content;
  friend bool operator==(const logical_message&, const logical_message&) = default;
};

using message = std::variant<begin, commit, origin, relation, type, insert, update, remove,
                             truncate, logical_message>;

// Decodes one whole message (an XLogData payload). Throws pg_error (see above).
message decode(std::string_view bytes);

// "Begin", "Commit", ... "Message": the name the protocol documentation gives the message.
std::string_view message_name(const message& m) noexcept;

}  // namespace customerdb::postgres::pgoutput

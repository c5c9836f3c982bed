// connection: one libpq connection, as RAII, with the few calls customerdb makes: statements
// (simple and with text parameters), COPY in both directions, and the raw handle for the
// replication protocol. Every failure throws pg_error (pg_error.hpp) naming the statement and
// carrying the server's message and SQLSTATE.
//
// Not thread-safe: one thread at a time uses a connection (libpq's rule).
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "customerdb/postgres/pg_error.hpp"
#include "customerdb/postgres/redacted_conninfo.hpp"

namespace customerdb::postgres {

struct result_deleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result = std::unique_ptr<PGresult, result_deleter>;

class connection {
 public:
  // Connects with a libpq connection string or URL ("host=/tmp/pg dbname=shop",
  // "postgresql://user@host/db"). `replication` adds replication=database (the walsender's
  // protocol, for the replica). Throws pg_error "cannot connect to PostgreSQL (<conninfo
  // without password>): <message>".
  explicit connection(const std::string& conninfo, bool replication = false);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Runs `sql` (simple protocol; several statements allowed) and returns the last result.
  // Throws pg_error unless it ends in PGRES_COMMAND_OK or PGRES_TUPLES_OK.
  result exec(const std::string& sql);
  // Runs one statement with text parameters ($1, $2...; nullptr is NULL).
  result exec(const std::string& sql, const std::vector<const char*>& params);
  // Prepares `sql` (one statement with parameters $1, $2...) under `name`, for
  // exec_prepared. Throws pg_error as exec does.
  void prepare(const std::string& name, const std::string& sql);
  // Runs the statement prepared under `name` with text parameters (nullptr is NULL). Throws
  // pg_error naming the prepared statement's SQL.
  result exec_prepared(const std::string& name, const std::vector<const char*>& params);
  // Runs `sql` (COPY ... TO STDOUT) and calls `row(line)` for each row of its text-format
  // output, without the newline. An exception `row` throws ends the COPY (the connection is
  // then reset to a usable state) and propagates.
  void copy_out(const std::string& sql, const std::function<void(std::string_view)>& row);
  // Runs `sql` (COPY ... FROM STDIN); `fill(buffer)` appends text-format lines to `buffer`
  // (which starts empty each time) and returns false once it has nothing more. An exception
  // `fill` throws aborts the COPY (nothing of it is written) and propagates.
  void copy_in(const std::string& sql, const std::function<bool(std::string&)>& fill);
  // The same, pushed: copy_begin starts `sql` (COPY ... FROM STDIN), copy_put sends text-format
  // lines (any number of whole or partial lines), copy_end finishes it and throws pg_error
  // when the server refused the data (a constraint, a bad value). copy_abort ends it with
  // nothing written (for when the caller fails midway); it throws nothing.
  void copy_begin(const std::string& sql);
  void copy_put(std::string_view data);
  void copy_end();
  void copy_abort() noexcept;

  // `text` as a quoted SQL literal / identifier.
  std::string literal(std::string_view text) const;
  std::string identifier(std::string_view text) const;

  // The libpq handle, for what this class does not wrap (the replication stream).
  PGconn* native() const noexcept { return conn_; }
  // The redacted connection string (for messages).
  const std::string& name() const noexcept { return name_; }

  // Throws pg_error "PostgreSQL refused `<sql, cut>`: <message>" for a failed result `r` of
  // `sql` (r may be null: then the connection's message).
  [[noreturn]] void fail(const PGresult* r, std::string_view sql) const;

 private:
  result check(PGresult* r, std::string_view sql, ExecStatusType expected);

  PGconn* conn_ = nullptr;
  std::string name_;
  std::string copy_sql_;                                      // the COPY under way, for messages
  std::map<std::string, std::string, std::less<>> prepared_;  // name -> SQL, for messages
};

}  // namespace customerdb::postgres

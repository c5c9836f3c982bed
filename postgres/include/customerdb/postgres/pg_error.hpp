// customerdb::postgres::pg_error: what the PostgreSQL side of customerdb throws when the server
// or the connection fails (cannot connect, a statement refused, the connection lost).
//
// what() names what was being done and carries the server's message:
//   "cannot connect to PostgreSQL (host=/tmp/x dbname=shop): connection to server ... failed"
//   "PostgreSQL refused `COPY customer ...`: ERROR:  permission denied for table customer"
// sqlstate() is the server's five-character SQLSTATE ("42P01"), or "" when the failure was not
// the server's answer (a lost connection, a refused connection).
//
// Immutable once thrown: thread-safe.
#pragma once

#include <stdexcept>
#include <string>

namespace customerdb::postgres {

class pg_error : public std::runtime_error {
 public:
  explicit pg_error(const std::string& message, std::string sqlstate = {})
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}

  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

}  // namespace customerdb::postgres

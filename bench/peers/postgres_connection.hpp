// A thin RAII layer over libpq for the PostgreSQL peer: a connection (a unix socket, given as a
// libpq connection string), its prepared statements, results and COPY. Every failure throws
// std::runtime_error naming the statement and the server's message.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace customerdb::peers {

struct pg_result_deleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using pg_result = std::unique_ptr<PGresult, pg_result_deleter>;

class pg_connection {
 public:
  explicit pg_connection(const std::string& conninfo);
  ~pg_connection();
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  // Runs a statement (simple protocol) and returns its result.
  pg_result exec(const std::string& sql);
  // Prepares `sql` under `name`.
  void prepare(const std::string& name, const std::string& sql);
  // Runs the prepared statement with text parameters.
  pg_result run(const std::string& name, const std::vector<const char*>& params);
  // Runs `copy_sql` (COPY ... FROM STDIN); `fill(buffer)` appends text-format lines to the
  // buffer and returns false once it has nothing more.
  void copy_in(const std::string& copy_sql, const std::function<bool(std::string&)>& fill);

 private:
  pg_result check(PGresult* r, const std::string& sql);
  PGconn* conn_ = nullptr;
  std::map<std::string, std::string> prepared_;  // name -> SQL, for error messages
};

}  // namespace customerdb::peers

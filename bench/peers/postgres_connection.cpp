// The libpq layer of the PostgreSQL peer (postgres_connection.hpp).
#include "postgres_connection.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace customerdb::peers {

pg_connection::pg_connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    throw std::runtime_error(
        fmt::format("PostgreSQL: cannot connect with \"{}\": {}", conninfo, message));
  }
}

pg_connection::~pg_connection() { PQfinish(conn_); }

pg_result pg_connection::check(PGresult* r, const std::string& sql) {
  pg_result result(r);
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_COPY_IN)
    throw std::runtime_error(fmt::format("PostgreSQL statement failed: {}\n  statement: {}",
                                         PQresultErrorMessage(r), sql));
  return result;
}

pg_result pg_connection::exec(const std::string& sql) { return check(PQexec(conn_, sql.c_str()), sql); }

void pg_connection::prepare(const std::string& name, const std::string& sql) {
  check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), sql);
  prepared_[name] = sql;
}

pg_result pg_connection::run(const std::string& name, const std::vector<const char*>& params) {
  return check(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), params.data(),
                              nullptr, nullptr, 0),
               prepared_[name]);
}

void pg_connection::copy_in(const std::string& copy_sql,
                            const std::function<bool(std::string&)>& fill) {
  exec(copy_sql);
  std::string buffer;
  bool more = true;
  while (more) {
    buffer.clear();
    while ((more = fill(buffer)) && buffer.size() < (1u << 20)) {
    }
    if (!buffer.empty() &&
        PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1)
      throw std::runtime_error(fmt::format("PostgreSQL COPY failed: {}\n  statement: {}",
                                           PQerrorMessage(conn_), copy_sql));
  }
  if (PQputCopyEnd(conn_, nullptr) != 1)
    throw std::runtime_error(fmt::format("PostgreSQL COPY failed: {}\n  statement: {}",
                                         PQerrorMessage(conn_), copy_sql));
  while (PGresult* r = PQgetResult(conn_)) check(r, copy_sql);
}

}  // namespace customerdb::peers

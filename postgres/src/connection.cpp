#include "customerdb/postgres/connection.hpp"

#include <fmt/format.h>

#include <exception>

namespace customerdb::postgres {

namespace {

// Statements in messages: the first line, at most 120 characters.
std::string cut(std::string_view sql) {
  auto line = sql.substr(0, sql.find('\n'));
  if (line.size() > 120) return std::string(line.substr(0, 117)) + "...";
  return std::string(line);
}

std::string trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

connection::connection(const std::string& conninfo, bool replication)
    : name_(redacted_conninfo(conninfo)) {
  std::vector<const char*> keys{"dbname", "fallback_application_name"};
  std::vector<const char*> values{conninfo.c_str(), "customerdb"};
  if (replication) keys.push_back("replication"), values.push_back("database");
  keys.push_back(nullptr);
  values.push_back(nullptr);
  // expand_dbname = 1: the first dbname value is the whole connection string or URL.
  conn_ = PQconnectdbParams(keys.data(), values.data(), 1);
  if (conn_ == nullptr)
    throw pg_error(fmt::format("cannot connect to PostgreSQL ({}): out of memory", name_));
  if (PQstatus(conn_) != CONNECTION_OK) {
    const auto message = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw pg_error(fmt::format("cannot connect to PostgreSQL ({}): {}", name_, message));
  }
}

connection::~connection() {
  if (conn_) PQfinish(conn_);
}

void connection::fail(const PGresult* r, std::string_view sql) const {
  std::string message;
  std::string state;
  if (r) {
    message = trimmed(PQresultErrorMessage(r));
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
  }
  if (message.empty()) message = trimmed(PQerrorMessage(conn_));
  if (message.empty()) message = "unexpected result";
  throw pg_error(fmt::format("PostgreSQL refused `{}`: {}", cut(sql), message), state);
}

result connection::check(PGresult* raw, std::string_view sql, ExecStatusType expected) {
  result r(raw);
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status == expected || (expected == PGRES_COMMAND_OK && status == PGRES_TUPLES_OK)) return r;
  fail(r.get(), sql);
}

result connection::exec(const std::string& sql) {
  return check(PQexec(conn_, sql.c_str()), sql, PGRES_COMMAND_OK);
}

result connection::exec(const std::string& sql, const std::vector<const char*>& params) {
  return check(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                            params.data(), nullptr, nullptr, 0),
               sql, PGRES_COMMAND_OK);
}

void connection::prepare(const std::string& name, const std::string& sql) {
  check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), sql, PGRES_COMMAND_OK);
  prepared_.insert_or_assign(name, sql);
}

result connection::exec_prepared(const std::string& name, const std::vector<const char*>& params) {
  PGresult* r = PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), params.data(),
                               nullptr, nullptr, 0);
  const auto sql = prepared_.find(name);
  return check(r, sql == prepared_.end() ? name : std::string_view(sql->second), PGRES_COMMAND_OK);
}

void connection::copy_out(const std::string& sql,
                          const std::function<void(std::string_view)>& row) {
  check(PQexec(conn_, sql.c_str()), sql, PGRES_COPY_OUT);
  std::exception_ptr failure;
  for (;;) {
    char* buffer = nullptr;
    const int n = PQgetCopyData(conn_, &buffer, 0);
    if (n == -1) break;  // done: the COPY's result follows
    if (n == -2) fail(nullptr, sql);
    std::string_view line(buffer, static_cast<std::size_t>(n));
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!failure) {
      try {
        row(line);
      } catch (...) {
        failure = std::current_exception();
        // Cancel the rest; what arrives meanwhile is read and dropped below.
        if (PGcancel* c = PQgetCancel(conn_)) {
          char ignored[256];
          PQcancel(c, ignored, sizeof ignored);
          PQfreeCancel(c);
        }
      }
    }
    PQfreemem(buffer);
  }
  while (PGresult* raw = PQgetResult(conn_)) {
    result r(raw);
    if (!failure && PQresultStatus(raw) != PGRES_COMMAND_OK) fail(raw, sql);
  }
  if (failure) std::rethrow_exception(failure);
}

void connection::copy_begin(const std::string& sql) {
  check(PQexec(conn_, sql.c_str()), sql, PGRES_COPY_IN);
  copy_sql_ = sql;
}

void connection::copy_put(std::string_view data) {
  if (!data.empty() && PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1)
    fail(nullptr, copy_sql_);
}

void connection::copy_end() {
  if (PQputCopyEnd(conn_, nullptr) != 1) fail(nullptr, copy_sql_);
  const result r(PQgetResult(conn_));
  // Whatever follows (nothing, normally) is read so that the connection is ready again.
  while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail(r.get(), copy_sql_);
}

void connection::copy_abort() noexcept {
  PQputCopyEnd(conn_, "aborted by customerdb");
  while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
}

void connection::copy_in(const std::string& sql, const std::function<bool(std::string&)>& fill) {
  copy_begin(sql);
  std::string buffer;
  try {
    for (bool more = true; more;) {
      buffer.clear();
      more = fill(buffer);
      copy_put(buffer);
    }
  } catch (...) {
    copy_abort();
    throw;
  }
  copy_end();
}

std::string connection::literal(std::string_view text) const {
  char* quoted = PQescapeLiteral(conn_, text.data(), text.size());
  if (!quoted) throw pg_error(trimmed(PQerrorMessage(conn_)));
  std::string s(quoted);
  PQfreemem(quoted);
  return s;
}

std::string connection::identifier(std::string_view text) const {
  char* quoted = PQescapeIdentifier(conn_, text.data(), text.size());
  if (!quoted) throw pg_error(trimmed(PQerrorMessage(conn_)));
  std::string s(quoted);
  PQfreemem(quoted);
  return s;
}

}  // namespace customerdb::postgres

// The libsqlite3 layer of the SQLite peer (sqlite_connection.hpp).
#include "sqlite_connection.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace customerdb::peers {

sqlite_statement::sqlite_statement(sqlite3* db, std::string sql) : db_(db), sql_(std::move(sql)) {
  if (sqlite3_prepare_v3(db_, sql_.c_str(), static_cast<int>(sql_.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
    fail("prepare");
}

sqlite_statement::~sqlite_statement() { sqlite3_finalize(stmt_); }

void sqlite_statement::fail(const char* what) const {
  throw std::runtime_error(
      fmt::format("SQLite {} failed: {}\n  statement: {}", what, sqlite3_errmsg(db_), sql_));
}

sqlite_statement& sqlite_statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_STATIC) != SQLITE_OK)
    fail("bind");
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail("bind");
  return *this;
}

sqlite_statement& sqlite_statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail("bind");
  return *this;
}

bool sqlite_statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string message = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  throw std::runtime_error(fmt::format("SQLite step failed: {}\n  statement: {}", message, sql_));
}

void sqlite_statement::reset() { sqlite3_reset(stmt_); }

void sqlite_statement::run() {
  while (step()) {
  }
  reset();
}

int sqlite_statement::columns() const { return sqlite3_column_count(stmt_); }

std::string_view sqlite_statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::int64_t sqlite_statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

sqlite_connection::sqlite_connection(const std::string& path, int flags) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error(fmt::format("SQLite cannot open {}: {}", path, message));
  }
}

sqlite_connection::~sqlite_connection() { sqlite3_close(db_); }

void sqlite_connection::exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw std::runtime_error(
        fmt::format("SQLite statement failed on {}: {}\n  statement: {}", path_, message, sql));
  }
}

void sqlite_connection::copy_from(const sqlite_connection& from) {
  sqlite3_backup* b = sqlite3_backup_init(db_, "main", from.db_, "main");
  if (b == nullptr)
    throw std::runtime_error(
        fmt::format("SQLite backup {} -> {} failed: {}", from.path_, path_, sqlite3_errmsg(db_)));
  const int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE)
    throw std::runtime_error(fmt::format("SQLite backup {} -> {} failed: {}", from.path_, path_,
                                         sqlite3_errstr(rc)));
}

}  // namespace customerdb::peers

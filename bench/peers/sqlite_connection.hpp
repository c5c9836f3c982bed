// A thin RAII layer over libsqlite3 for the SQLite peer: a connection and its prepared
// statements. Every failure throws std::runtime_error naming the statement (or file) and
// SQLite's own message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace customerdb::peers {

class sqlite_statement {
 public:
  sqlite_statement(sqlite3* db, std::string sql);
  ~sqlite_statement();
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;

  // Parameters are numbered from 1. The text must outlive the next step().
  sqlite_statement& bind(int index, std::string_view text);
  sqlite_statement& bind(int index, std::int64_t value);
  sqlite_statement& bind_null(int index);
  // Steps once: true while there is a row.
  bool step();
  // Resets the statement after its last step (bindings are kept until rebound).
  void reset();
  // Runs the statement to its end and resets it.
  void run();

  int columns() const;
  // The column's text ("" for NULL).
  std::string_view text(int column) const;
  std::int64_t integer(int column) const;
  const std::string& sql() const noexcept { return sql_; }

 private:
  [[noreturn]] void fail(const char* what) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

class sqlite_connection {
 public:
  // `path` ":memory:" for an in-memory database.
  explicit sqlite_connection(const std::string& path, int flags = SQLITE_OPEN_READWRITE |
                                                                  SQLITE_OPEN_CREATE);
  ~sqlite_connection();
  sqlite_connection(const sqlite_connection&) = delete;
  sqlite_connection& operator=(const sqlite_connection&) = delete;

  // Runs statements that return nothing (or whose rows are ignored).
  void exec(const std::string& sql);
  sqlite3* handle() const noexcept { return db_; }

  // Copies the whole of `from` into this database (the online backup API).
  void copy_from(const sqlite_connection& from);

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace customerdb::peers

// SQLite 3 as a peer: an in-process `:memory:` database with Medusa's customer tables
// (sql_text.hpp), queried through prepared statements; the bulk load is one transaction.
//
// The durable operations use a second database, a file in WAL mode with synchronous=FULL (each
// commit fsyncs the WAL) and foreign keys on, made from the in-memory one with the backup API.
// Concurrent writers each open their own connection to that file and take turns through a
// mutex: SQLite admits one writer at a time, and its busy handler, the alternative, sleeps
// between retries (up to 100 ms), which measures the sleeps rather than the database. Save is the
// backup API from `:memory:` to a file, fsynced; the restart opens that file in a new process,
// backs it up into `:memory:` and answers the first page.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "peer.hpp"
#include "sqlite_connection.hpp"

namespace customerdb::peers {

class sqlite_peer final : public peer {
 public:
  // `work_dir`: where the durable and saved database files go.
  explicit sqlite_peer(std::filesystem::path work_dir);
  ~sqlite_peer() override;

  std::string name() const override { return "SQLite"; }
  bool supports(op) const override { return true; }

  void load(const data_set& data) override;
  CUSTOMERDB_PEER_OPERATIONS(, override)

  void save() override;
  std::vector<std::string> restart_arguments() override;

  struct database;  // a connection with its prepared statements

 private:
  std::filesystem::path work_dir_;
  std::unique_ptr<database> memory_;
  std::unique_ptr<database> durable_;
  std::vector<std::unique_ptr<database>> writers_;
  std::mutex write_turn_;  // one writer at a time (concurrent_create)
};

// The restart's child: opens the saved file, copies it into `:memory:` and answers the first page.
answer sqlite_first_page_after_open(const std::filesystem::path& file);

}  // namespace customerdb::peers

// snapshot_writer: writes one snapshot file, crash-safely. The rows go to a temporary file in
// the data directory as they come; finish() adds the header, flushes the file to disk (fsync),
// renames it into place and syncs the directory, so that a snapshot file is either complete
// and durable or absent. Thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "customerdb/file_system.hpp"
#include "customerdb/persistence/table.hpp"
#include "customerdb/persistence_options.hpp"
#include "customerdb/records.hpp"

namespace customerdb::persistence {

class snapshot_writer {
 public:
  // Starts the snapshot of commit `sequence`, which holds `counts` rows of each table, in
  // `dir`. `journal_follows` says that journal-<sequence + 1>.log already exists in `dir` and
  // holds the commits after the snapshot (snapshot_header::journal_follows: recovery then
  // requires that file). `source_position` is the replication source position of the cut, if
  // any (snapshot_header::source_position). Throws io_error.
  snapshot_writer(file_system& fs, std::filesystem::path dir, std::uint64_t sequence,
                  timestamp created_at, const std::array<std::uint64_t, table_count>& counts,
                  bool journal_follows,
                  std::optional<std::uint64_t> source_position = std::nullopt);
  // Removes the temporary file unless finish() succeeded.
  ~snapshot_writer();
  snapshot_writer(const snapshot_writer&) = delete;
  snapshot_writer& operator=(const snapshot_writer&) = delete;

  // Starts the rows of `t`. REQUIRES: tables in order, each once; every row of the previous
  // table written.
  void begin_table(table t);
  // Writes a row of the current table. Throws io_error.
  void write(const customer_group_record& r);
  void write(const customer_record& r);
  void write(const customer_address_record& r);
  void write(const customer_group_customer_record& r);

  // Completes the file and puts it in place. Throws io_error (the temporary file is removed and
  // no snapshot file changed), std::logic_error when the rows written do not match the counts.
  snapshot_info finish();

 private:
  // Removes the temporary file.
  void discard() noexcept;

  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace customerdb::persistence

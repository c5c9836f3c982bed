// customerdb persistence options and reports: where and how a customer_module keeps its data on
// disk (snapshots plus a journal), and what it reports about its store. See docs/persistence.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "customerdb/timestamp.hpp"

namespace customerdb {

class file_system;  // customerdb/file_system.hpp

// When the journal is flushed to stable storage (as Redis's appendfsync).
// Persisted nowhere; the numbering may change.
enum class fsync_policy {
  always,    // a commit returns only once an fsync covers it (group commit)
  everysec,  // fsync about once a second: a crash can lose the last second of commits
  no,        // leave flushing to the operating system
};

struct persistence_options {
  // The data directory. Empty: the store lives in memory only and nothing touches the disk.
  std::filesystem::path data_dir{};
  // A background snapshot is taken after this much time since the last one (0: never on time).
  std::chrono::seconds snapshot_interval{60};
  // ... and after this many commits since the last one (0: never on count).
  std::uint64_t snapshot_every_commits = 100'000;
  fsync_policy fsync = fsync_policy::everysec;
  // How many snapshots to keep in the data directory (at least 1).
  std::size_t keep_snapshots = 2;
  // Take a final snapshot when the module is destroyed (clean shutdown).
  bool snapshot_on_close = false;
  // Open the data directory only to read it (`customerdb stats` and `export`), changing nothing
  // in it, also when the process may not write there. It must exist and hold a store (a
  // snapshot or journal file): it is not created, is locked shared only while it is read, no
  // journal is opened, no torn journal tail is cut, no snapshot is taken (the snapshot and
  // fsync options are ignored). Every commit that changes something, and snapshot(), then fail
  // with not_allowed "The store is open read-only".
  bool read_only = false;
  // Open the data directory as read_only does (nothing in it changes), then keep the store it
  // held in memory only, writable: commits succeed and are never written back, snapshot() fails
  // with invalid_data "Snapshots need a data directory (the store is an in-memory copy of
  // <dir>)". For tests that start from a fixture directory and must never change it. The
  // snapshot and fsync options are ignored; read_only is implied.
  bool copy_on_open = false;
  // The file system under the data directory; the operating system's (posix_file_system())
  // when null. Tests pass one that injects failures.
  std::shared_ptr<customerdb::file_system> file_system{};
};

// A snapshot that is on disk.
struct snapshot_info {
  std::filesystem::path path{};
  std::uint64_t bytes = 0;     // size of the file
  std::uint64_t sequence = 0;  // the commits it covers
};

// What customer_module::stats reports.
struct module_stats {
  // Rows in each table, soft-deleted rows included.
  std::size_t customers = 0;
  std::size_t customer_groups = 0;
  std::size_t customer_addresses = 0;
  std::size_t customer_group_customers = 0;
  std::uint64_t sequence = 0;    // commits applied since the store was created
  // Memory: every byte the process holds for its data, the store's included. `memory_bytes` is
  // heap_bytes + pool_bytes; resident_bytes is the process's resident size beside it (which
  // also counts code, stacks and pages the allocator keeps).
  std::size_t memory_bytes = 0;
  std::size_t heap_bytes = 0;      // in use from the general heap (malloc), mapped blocks included
  std::size_t pool_bytes = 0;      // the engine's pool (rows, index nodes, text): every chunk
                                   // mapped, with its free blocks and the faulted-in reserve
  std::size_t resident_bytes = 0;  // the process's resident set size
  // Reads (outside transactions) that let a commit in while they worked and went on reading the
  // state they had begun with, since the module opened.
  std::uint64_t pinned_reads = 0;
  std::optional<timestamp> last_snapshot_at{};
  std::optional<std::uint64_t> last_snapshot_sequence{};
};

}  // namespace customerdb

// read_only_store: recovery of a data directory that changes nothing in it
// (customerdb/persistence/read_only_store.hpp).
#include "customerdb/persistence/read_only_store.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <system_error>

#include "customerdb/error.hpp"
#include "customerdb/file_system.hpp"
#include "data_dir.hpp"
#include "journal_reader.hpp"
#include "recovery.hpp"
#include "snapshot_reader.hpp"

namespace customerdb::persistence {
namespace {

[[noreturn]] void refuse() { throw error(error_code::not_allowed, "The store is open read-only"); }

// The files of the data directory `dir`; throws io_error when it holds no store.
data_dir_listing list_store(file_system& fs, const std::filesystem::path& dir) {
  auto files = list_data_dir(fs, dir);
  if (files.snapshots.empty() && files.journals.empty()) {
    throw error(error_code::io_error,
                fmt::format("{} is not a data directory: it holds no snapshot or journal file",
                            dir.string()));
  }
  return files;
}

// Whether the journal of `files` plainly holds nothing after commit `covered`: there is no
// journal file, or the newest starts right after `covered` and holds no record, whole or torn
// (older files then end before it). Any other journal is recovery's to read and judge.
bool journal_empty_after(file_system& fs, const std::filesystem::path& dir,
                         const data_dir_listing& files, std::uint64_t covered) {
  if (files.journals.empty()) return true;
  const auto& newest = files.journals.back();
  if (newest.sequence != covered + 1) return false;
  try {
    const auto contents = read_journal(fs, dir / newest.name, newest.sequence, true);
    return contents.records.empty() && !contents.torn;
  } catch (const error& e) {
    if (e.code() == error_code::corruption) return false;
    throw;
  }
}

}  // namespace

bool read_complete_snapshot(const persistence_options& options, record_sink& sink) {
  const auto& dir = options.data_dir;
  const auto fs = options.file_system ? options.file_system : posix_file_system();
  const auto lock = fs->lock_directory_shared(dir);
  const auto files = list_store(*fs, dir);
  if (files.snapshots.empty()) return false;
  const auto path = dir / files.snapshots.back().name;
  checked_snapshot snapshot;
  try {
    snapshot = load_snapshot(*fs, path);
  } catch (const error& e) {
    if (e.code() == error_code::corruption) return false;
    throw;
  }
  const std::uint64_t covered = snapshot.header.sequence;
  if (covered != files.snapshots.back().sequence || !journal_empty_after(*fs, dir, files, covered))
    return false;
  decode_snapshot_in_order(snapshot, sink, path);
  return true;
}

read_only_store::read_only_store(const persistence_options& options, record_sink& loader) {
  const auto& dir = options.data_dir;
  const auto fs = options.file_system ? options.file_system : posix_file_system();
  const auto lock = fs->lock_directory_shared(dir);  // released once the files are read
  const auto files = list_store(*fs, dir);
  const auto recovered = recover(*fs, dir, loader, [](const std::string& message) {
    fmt::print(stderr, "customerdb: warning: {}\n", message);
  });
  recovered_ = recovered.sequence;
  recovered_position_ = recovered.source_position;
  if (recovered.snapshot) {
    latest_ = durable_store::last_snapshot{*recovered.snapshot, *recovered.snapshot_created_at};
  }
}

void read_only_store::append(commit_changes&&) { refuse(); }

snapshot_info read_only_store::snapshot() const { refuse(); }

std::uint64_t read_snapshot_file(const std::filesystem::path& path, record_sink& loader) {
  return read_snapshot(*posix_file_system(), path, loader).sequence;
}

bool is_snapshot_file(const std::filesystem::path& path) noexcept {
  try {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return false;
    std::ifstream in(path, std::ios::binary);
    std::string head(snapshot_magic.size(), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    return in && head == snapshot_magic;
  } catch (...) {
    return false;
  }
}

}  // namespace customerdb::persistence

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
#include "recovery.hpp"
#include "snapshot_reader.hpp"

namespace customerdb::persistence {
namespace {

[[noreturn]] void refuse() { throw error(error_code::not_allowed, "The store is open read-only"); }

}  // namespace

read_only_store::read_only_store(const persistence_options& options, record_sink& loader) {
  const auto& dir = options.data_dir;
  const auto fs = options.file_system ? options.file_system : posix_file_system();
  const auto lock = fs->lock_directory_shared(dir);  // released once the files are read
  const auto files = list_data_dir(*fs, dir);
  if (files.snapshots.empty() && files.journals.empty()) {
    throw error(error_code::io_error,
                fmt::format("{} is not a data directory: it holds no snapshot or journal file",
                            dir.string()));
  }
  const auto recovered = recover(*fs, dir, loader, [](const std::string& message) {
    fmt::print(stderr, "customerdb: warning: {}\n", message);
  });
  recovered_ = recovered.sequence;
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

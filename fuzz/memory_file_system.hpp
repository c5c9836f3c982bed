// memory_file_system: a data directory in memory, for the fuzz targets that open a store from
// files (snapshot_fuzz.cpp, journal_fuzz.cpp) without touching the disk. It holds the files it
// was given and can only be read: every operation that would change something throws io_error
// "<path>: the memory file system is read-only", so only a read-only open
// (persistence_options::read_only) gets through.
//
// Thread-safe: immutable once constructed (recovery reads a snapshot's sections from several
// threads at once).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "customerdb/file_system.hpp"

namespace customerdb::fuzz {

class memory_file_system final : public file_system {
 public:
  // `files`: name -> bytes, all in the one directory that list() shows (whatever its path).
  explicit memory_file_system(std::map<std::string, std::string> files);

  std::unique_ptr<readable_file> open_read(const std::filesystem::path& path) override;
  std::vector<std::string> list(const std::filesystem::path& dir) override;
  // A shared lock of nothing: nobody else can see these files.
  std::shared_ptr<void> lock_directory_shared(const std::filesystem::path& dir) override;

  // Throw io_error: the files are read-only.
  std::unique_ptr<writable_file> create(const std::filesystem::path& path) override;
  std::unique_ptr<writable_file> open_append(const std::filesystem::path& path) override;
  void rename(const std::filesystem::path& from, const std::filesystem::path& to) override;
  void remove(const std::filesystem::path& path) override;
  void sync_directory(const std::filesystem::path& dir) override;
  void create_directories(const std::filesystem::path& dir) override;
  std::shared_ptr<void> lock_directory(const std::filesystem::path& dir) override;

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace customerdb::fuzz

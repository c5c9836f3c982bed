// Helpers shared by the persistence suites: opening modules on a directory, comparing stores,
// listing and damaging files.
#pragma once

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "customerdb/file_system.hpp"

namespace customerdb::testing {

// Options for a module on `dir` without background snapshots.
inline module_options on_disk(const std::filesystem::path& dir,
                              fsync_policy fsync = fsync_policy::always) {
  module_options o;
  o.persistence.data_dir = dir;
  o.persistence.snapshot_interval = std::chrono::seconds(0);
  o.persistence.snapshot_every_commits = 0;
  o.persistence.fsync = fsync;
  return o;
}

// Every committed row, in export order.
inline std::vector<record> rows_of(const customer_module& m) {
  std::vector<record> out;
  m.export_records([&](const record& r) { out.push_back(r); });
  return out;
}

// The names of the files in `dir` that start with `prefix`, sorted.
inline std::vector<std::string> files_in(const std::filesystem::path& dir,
                                         const std::string& prefix = {}) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (name.starts_with(prefix)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Copies every file of `from` into the empty or missing directory `to`.
inline void copy_dir(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::remove_all(to);
  std::filesystem::create_directories(to);
  for (const auto& e : std::filesystem::directory_iterator(from))
    std::filesystem::copy_file(e.path(), to / e.path().filename());
}

}  // namespace customerdb::testing

// Helpers shared by the persistence suites: opening modules on a directory, comparing stores,
// listing and damaging files.
#pragma once

#include <algorithm>
#include <cstdint>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
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

// Every file of `dir` and its bytes: to check that nothing in a directory changed.
inline std::map<std::string, std::string> contents_of(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& name : files_in(dir)) out[name] = read_bytes(dir / name);
  return out;
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

// The offset of commit `sequence`'s record in the journal file `path`: records follow the
// 32-byte file header, each a 32-byte header (its u64 sequence at 8, payload length at 16) and
// its payload. 0 when the file has no such record.
inline std::uint64_t journal_offset_of(const std::filesystem::path& path, std::uint64_t sequence) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto u64 = [&](std::size_t at) {
    std::uint64_t v = 0;
    for (std::size_t i = 8; i-- > 0;) v = v << 8 | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  for (std::size_t at = 32; at + 32 <= bytes.size(); at += 32 + u64(at + 16)) {
    if (u64(at + 8) == sequence) return at;
  }
  return 0;
}

}  // namespace customerdb::testing

// The corruption errors of the persistence formats: error_code::corruption naming the file, the
// byte offset where a check failed and why. Pure functions; thread-safe.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "customerdb/error.hpp"

namespace customerdb::persistence {

// "Journal <path> is corrupt at offset <offset>: <why>"
inline error corrupt_journal(const std::filesystem::path& path, std::uint64_t offset,
                             std::string_view why) {
  return error(error_code::corruption,
               fmt::format("Journal {} is corrupt at offset {}: {}", path.string(), offset, why));
}

// "Snapshot <path> is corrupt at offset <offset>: <why>"
inline error corrupt_snapshot(const std::filesystem::path& path, std::uint64_t offset,
                              std::string_view why) {
  return error(error_code::corruption,
               fmt::format("Snapshot {} is corrupt at offset {}: {}", path.string(), offset, why));
}

}  // namespace customerdb::persistence

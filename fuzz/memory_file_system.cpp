#include "memory_file_system.hpp"

#include <fmt/format.h>

#include <cstring>
#include <string_view>
#include <utility>

#include "customerdb/error.hpp"

namespace customerdb::fuzz {
namespace {

[[noreturn]] void read_only(const std::filesystem::path& path) {
  throw error(error_code::io_error,
              fmt::format("{}: the memory file system is read-only", path.string()));
}

class memory_file final : public readable_file {
 public:
  memory_file(std::filesystem::path path, std::string_view bytes)
      : path_(std::move(path)), bytes_(bytes) {}

  std::uint64_t size() const override { return bytes_.size(); }

  void read(std::uint64_t offset, std::size_t n, char* out) const override {
    if (offset > bytes_.size() || n > bytes_.size() - offset) {
      throw error(error_code::io_error,
                  fmt::format("Cannot read {}: {} bytes at offset {} are past its end",
                              path_.string(), n, offset));
    }
    std::memcpy(out, bytes_.data() + offset, n);
  }

 private:
  std::filesystem::path path_;
  std::string_view bytes_;
};

}  // namespace

memory_file_system::memory_file_system(std::map<std::string, std::string> files)
    : files_(std::move(files)) {}

std::unique_ptr<readable_file> memory_file_system::open_read(const std::filesystem::path& path) {
  const auto it = files_.find(path.filename().string());
  if (it == files_.end()) {
    throw error(error_code::io_error,
                fmt::format("Cannot open {}: No such file or directory", path.string()));
  }
  return std::make_unique<memory_file>(path, it->second);
}

std::vector<std::string> memory_file_system::list(const std::filesystem::path&) {
  std::vector<std::string> names;
  for (const auto& [name, bytes] : files_) names.push_back(name);
  return names;
}

std::shared_ptr<void> memory_file_system::lock_directory_shared(const std::filesystem::path&) {
  return std::make_shared<int>(0);
}

std::unique_ptr<writable_file> memory_file_system::create(const std::filesystem::path& path) {
  read_only(path);
}
std::unique_ptr<writable_file> memory_file_system::open_append(
    const std::filesystem::path& path) {
  read_only(path);
}
void memory_file_system::rename(const std::filesystem::path& from, const std::filesystem::path&) {
  read_only(from);
}
void memory_file_system::remove(const std::filesystem::path& path) { read_only(path); }
void memory_file_system::sync_directory(const std::filesystem::path& dir) { read_only(dir); }
void memory_file_system::create_directories(const std::filesystem::path& dir) { read_only(dir); }
std::shared_ptr<void> memory_file_system::lock_directory(const std::filesystem::path& dir) {
  read_only(dir);
}

}  // namespace customerdb::fuzz

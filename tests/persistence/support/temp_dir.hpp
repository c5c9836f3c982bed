// A fresh directory under the system's temporary directory, removed with its contents on
// destruction. Thread-compatible.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace customerdb::testing {

class temp_dir {
 public:
  // With `in_memory`, under /dev/shm when it exists (no disk I/O: for tests that open many
  // directories and do not care about durability).
  explicit temp_dir(bool in_memory = false) {
    static std::atomic<int> counter{0};
    const std::filesystem::path shm = "/dev/shm";
    const auto base = in_memory && std::filesystem::is_directory(shm)
                          ? shm
                          : std::filesystem::temp_directory_path();
    path_ =
        base / ("customerdb-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace customerdb::testing

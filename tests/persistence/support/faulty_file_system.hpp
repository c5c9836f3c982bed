// A file_system over the real one (a forwarding_file_system) that fails chosen operations with
// io_error, for tests of I/O failures ("fail the next write to a journal file", "fail every
// fsync from now on"), and that counts operations and can make syncs slow or hold them until
// released.
// Thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "customerdb/error.hpp"
#include "customerdb/file_system.hpp"

namespace customerdb::testing {

enum class fs_op { write, sync, rename, create, remove, sync_directory, close, reserve };

class faulty_file_system : public forwarding_file_system,
                           public std::enable_shared_from_this<faulty_file_system> {
 public:
  // Fails operations of kind `op` on files whose name contains `name_part` (every file when
  // empty): the next `times` of them (-1: all from now on).
  void fail(fs_op op, std::string name_part = {}, int times = 1) {
    std::lock_guard lock(mutex_);
    rule_ = {op, std::move(name_part), times};
  }
  void heal() {
    std::lock_guard lock(mutex_);
    rule_.times = 0;
  }
  // Heals and forgets the failures counted.
  void reset() {
    std::lock_guard lock(mutex_);
    rule_.times = 0;
    failures_ = 0;
  }
  int failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
  }

  // Makes every file sync take `delay` longer (a slow disk).
  void slow_syncs(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    sync_delay_ = delay;
  }
  // While `held`, every file sync waits (a disk that does not answer); false lets them go on.
  void hold_syncs(bool held) {
    std::unique_lock lock(mutex_);
    syncs_held_ = held;
    lock.unlock();
    released_.notify_all();
  }
  // How many operations of kind `op` on files whose name contains `name_part` were attempted.
  int count(fs_op op, const std::string& name_part = {}) const {
    const auto ops = history(name_part);
    return static_cast<int>(std::count(ops.begin(), ops.end(), op));
  }

  // The operations on files whose name contains `name_part`, in the order they were made.
  std::vector<fs_op> history(const std::string& name_part) const {
    std::lock_guard lock(mutex_);
    std::vector<fs_op> ops;
    for (const auto& [o, name] : log_)
      if (name.find(name_part) != std::string::npos) ops.push_back(o);
    return ops;
  }
  // Records that a file written through this file system was closed (never fails).
  void closed(const std::filesystem::path& path) noexcept {
    try {
      std::lock_guard lock(mutex_);
      log_.emplace_back(fs_op::close, path.filename().string());
    } catch (...) {
      // A record lost for want of memory: the test that reads it fails.
    }
  }

  // Throws io_error when `op` on `path` must fail.
  void check(fs_op op, const std::filesystem::path& path) {
    std::chrono::milliseconds delay{0};
    {
      std::unique_lock lock(mutex_);
      log_.emplace_back(op, path.filename().string());
      if (op == fs_op::sync) {
        delay = sync_delay_;
        released_.wait(lock, [this] { return !syncs_held_; });
      }
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    std::lock_guard lock(mutex_);
    if (rule_.times == 0 || rule_.op != op) return;
    if (!rule_.name_part.empty() &&
        path.filename().string().find(rule_.name_part) == std::string::npos)
      return;
    if (rule_.times > 0) --rule_.times;
    ++failures_;
    throw error(error_code::io_error, "Cannot access " + path.string() + ": injected failure");
  }

  std::unique_ptr<writable_file> create(const std::filesystem::path& path) override {
    check(fs_op::create, path);
    return forwarding_file_system::create(path);
  }
  void rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    check(fs_op::rename, to);
    forwarding_file_system::rename(from, to);
  }
  void remove(const std::filesystem::path& path) override {
    check(fs_op::remove, path);
    forwarding_file_system::remove(path);
  }
  void sync_directory(const std::filesystem::path& dir) override {
    check(fs_op::sync_directory, dir);
    forwarding_file_system::sync_directory(dir);
  }

 private:
  class file final : public forwarding_writable_file {
   public:
    file(std::shared_ptr<faulty_file_system> owner, std::filesystem::path path,
         std::unique_ptr<writable_file> real)
        : forwarding_writable_file(std::move(real)), owner_(std::move(owner)),
          path_(std::move(path)) {}
    ~file() override {
      close_target();
      owner_->closed(path_);
    }
    file(const file&) = delete;
    file& operator=(const file&) = delete;
    void append(std::string_view data) override {
      owner_->check(fs_op::write, path_);
      forwarding_writable_file::append(data);
    }
    void write_at(std::uint64_t offset, std::string_view data) override {
      owner_->check(fs_op::write, path_);
      forwarding_writable_file::write_at(offset, data);
    }
    void sync() override {
      owner_->check(fs_op::sync, path_);
      forwarding_writable_file::sync();
    }
    void reserve(std::uint64_t offset, std::uint64_t length) override {
      owner_->check(fs_op::reserve, path_);
      forwarding_writable_file::reserve(offset, length);
    }

   private:
    std::shared_ptr<faulty_file_system> owner_;
    std::filesystem::path path_;
  };

  std::unique_ptr<writable_file> wrap(const std::filesystem::path& path,
                                      std::unique_ptr<writable_file> real) override {
    return std::make_unique<file>(shared_from_this(), path, std::move(real));
  }

  struct rule {
    fs_op op = fs_op::write;
    std::string name_part;
    int times = 0;
  };

  mutable std::mutex mutex_;
  rule rule_;
  int failures_ = 0;
  std::chrono::milliseconds sync_delay_{0};
  bool syncs_held_ = false;
  std::condition_variable released_;
  std::vector<std::pair<fs_op, std::string>> log_;
};

}  // namespace customerdb::testing

// customerdb::file_system: the file operations persistence uses, behind one interface (as
// leveldb's Env), so that a program or a test can put its own file system under a module, e.g.
// one that fails the n-th write, fsync or rename. posix_file_system() is the default;
// forwarding_file_system is the base for one that changes only some operations of another.
//
// Every operation throws customerdb::error with code io_error, and a message naming the file
// and the system's reason, when it fails.
//
// Thread-safety: a file_system is thread-safe; a writable_file or readable_file is
// thread-compatible, except that sync() and reserve() may run while another thread appends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace customerdb {

// A file being written.
class writable_file {
 public:
  virtual ~writable_file() = default;
  // Writes `data` at the end of the file (the size given by the file's opening, plus every
  // append since).
  virtual void append(std::string_view data) = 0;
  // Writes `data` at `offset`. REQUIRES: offset + data.size() <= size().
  virtual void write_at(std::uint64_t offset, std::string_view data) = 0;
  // Flushes the file's data and size to stable storage (fsync).
  virtual void sync() = 0;
  // Cuts the file to `size` bytes. REQUIRES: size <= size().
  virtual void truncate(std::uint64_t size) = 0;
  // The file's size as this handle wrote it.
  virtual std::uint64_t size() const = 0;
  // Sets aside the disk space for writes to [offset, offset + length), so that they cannot fail
  // for want of space; size() does not change, and the space stays the file's until it is cut
  // or removed. posix_file_system() uses fallocate; this default does nothing (a file system
  // that cannot set space aside: the writes may then fail for want of it). Throws io_error, e.g.
  // when the disk is full.
  virtual void reserve(std::uint64_t offset, std::uint64_t length) {
    static_cast<void>(offset);
    static_cast<void>(length);
  }
};

// Bytes of a file in memory, read into a buffer or mapped; valid while the object lives.
class file_bytes {
 public:
  virtual ~file_bytes() = default;
  std::string_view view() const noexcept { return view_; }

 protected:
  std::string_view view_;
};

// A file being read.
class readable_file {
 public:
  virtual ~readable_file() = default;
  virtual std::uint64_t size() const = 0;
  // Reads exactly `n` bytes at `offset` into `out`; a short read fails with io_error.
  virtual void read(std::uint64_t offset, std::size_t n, char* out) const = 0;
  // The `n` bytes at `offset`, in memory. This default reads them into a buffer with read();
  // posix_file_system() maps the file instead (mmap), which costs no copy and no fresh memory
  // for a large file, and falls back to reading where the file cannot be mapped. A mapped file
  // must not shrink while the result lives (the process would get SIGBUS). Throws as read().
  virtual std::unique_ptr<const file_bytes> bytes(std::uint64_t offset, std::size_t n) const;
};

class file_system {
 public:
  virtual ~file_system() = default;
  // Creates `path`, or empties it when it exists, for writing.
  virtual std::unique_ptr<writable_file> create(const std::filesystem::path& path) = 0;
  // Opens the existing file `path` for appending at its end.
  virtual std::unique_ptr<writable_file> open_append(const std::filesystem::path& path) = 0;
  virtual std::unique_ptr<readable_file> open_read(const std::filesystem::path& path) = 0;
  // The names of the regular files in `dir`, in no particular order.
  virtual std::vector<std::string> list(const std::filesystem::path& dir) = 0;
  // Replaces `to` with `from` atomically.
  virtual void rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  virtual void remove(const std::filesystem::path& path) = 0;
  // Makes the directory's entries (created, renamed, removed files) durable (fsync of `dir`).
  virtual void sync_directory(const std::filesystem::path& dir) = 0;
  // Creates `dir` and its parents when missing.
  virtual void create_directories(const std::filesystem::path& dir) = 0;
  // Takes an exclusive lock on the directory `dir` for as long as the result lives; fails with
  // io_error when another holder (in any process) has it.
  virtual std::shared_ptr<void> lock_directory(const std::filesystem::path& dir) = 0;
  // Takes a shared lock on the directory `dir` for as long as the result lives: any number of
  // shared holders at once, but none beside an exclusive one (lock_directory fails while a
  // shared holder has it, and this fails with io_error while an exclusive holder has it). Needs
  // no write permission. This default takes the exclusive lock, which is stricter;
  // posix_file_system() takes a shared one.
  virtual std::shared_ptr<void> lock_directory_shared(const std::filesystem::path& dir);
};

// The operating system's file system (POSIX calls). Thread-safe.
std::shared_ptr<file_system> posix_file_system();

// A file_system that hands every operation to another one, its target (as leveldb's
// EnvWrapper): a program or a test derives from it and overrides only what it watches or
// changes, and every other operation, lock_directory_shared() included, still reaches the
// target. The files create() and open_append() open pass through wrap(), which a derived class
// overrides to watch their operations (with a forwarding_writable_file). Errors are the
// target's. Thread-safe when the target and the derived class's overrides are.
class forwarding_file_system : public file_system {
 public:
  // REQUIRES: target is not null.
  explicit forwarding_file_system(std::shared_ptr<file_system> target = posix_file_system());

  std::unique_ptr<writable_file> create(const std::filesystem::path& path) override;
  std::unique_ptr<writable_file> open_append(const std::filesystem::path& path) override;
  std::unique_ptr<readable_file> open_read(const std::filesystem::path& path) override;
  std::vector<std::string> list(const std::filesystem::path& dir) override;
  void rename(const std::filesystem::path& from, const std::filesystem::path& to) override;
  void remove(const std::filesystem::path& path) override;
  void sync_directory(const std::filesystem::path& dir) override;
  void create_directories(const std::filesystem::path& dir) override;
  std::shared_ptr<void> lock_directory(const std::filesystem::path& dir) override;
  std::shared_ptr<void> lock_directory_shared(const std::filesystem::path& dir) override;

 protected:
  // What create() and open_append() return for the target's `file`, opened at `path`. This
  // default returns `file` itself.
  virtual std::unique_ptr<writable_file> wrap(const std::filesystem::path& path,
                                              std::unique_ptr<writable_file> file);

 private:
  std::shared_ptr<file_system> target_;
};

// A writable_file that hands every operation to another one, its target; derive from it to
// watch or change some of them. Errors and thread-safety are the target's (writable_file: sync()
// and reserve() may run while another thread appends).
class forwarding_writable_file : public writable_file {
 public:
  // REQUIRES: target is not null.
  explicit forwarding_writable_file(std::unique_ptr<writable_file> target);

  void append(std::string_view data) override;
  void write_at(std::uint64_t offset, std::string_view data) override;
  void sync() override;
  void truncate(std::uint64_t size) override;
  std::uint64_t size() const override;
  void reserve(std::uint64_t offset, std::uint64_t length) override;

 protected:
  // Closes the target (destroys it) now, e.g. in a derived destructor that then records the
  // close. The file takes no operation afterwards.
  void close_target() noexcept { target_.reset(); }

 private:
  std::unique_ptr<writable_file> target_;
};

}  // namespace customerdb

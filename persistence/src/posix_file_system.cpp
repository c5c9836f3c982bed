// posix_file_system(): customerdb::file_system over open/pwrite/fsync/rename.
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "customerdb/error.hpp"
#include "customerdb/file_system.hpp"

namespace customerdb {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(std::string_view what, const fs::path& path, int err) {
  throw error(error_code::io_error,
              fmt::format("Cannot {} {}: {}", what, path.string(), std::strerror(err)));
}

// A file descriptor, closed on destruction.
class descriptor {
 public:
  explicit descriptor(int fd) noexcept : fd_(fd) {}
  ~descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  descriptor(const descriptor&) = delete;
  descriptor& operator=(const descriptor&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

class posix_writable_file final : public writable_file {
 public:
  posix_writable_file(fs::path path, int fd, std::uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}

  void append(std::string_view data) override {
    write_fully(size_, data);
    size_ += data.size();
  }

  void write_at(std::uint64_t offset, std::string_view data) override { write_fully(offset, data); }

  void sync() override {
    if (::fsync(fd_.get()) != 0) fail("sync", path_, errno);
  }

  void truncate(std::uint64_t size) override {
    if (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) fail("truncate", path_, errno);
    size_ = size;
  }

  std::uint64_t size() const override { return size_; }

  void reserve(std::uint64_t offset, std::uint64_t length) override {
    while (::fallocate(fd_.get(), FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                       static_cast<off_t>(length)) != 0) {
      if (errno == EINTR) continue;
      if (errno == EOPNOTSUPP || errno == ENOSYS) return;  // as the default: nothing set aside
      fail("set aside space for", path_, errno);
    }
  }

 private:
  void write_fully(std::uint64_t offset, std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::pwrite(fd_.get(), data.data(), data.size(), static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        fail("write", path_, errno);
      }
      data.remove_prefix(static_cast<std::size_t>(n));
      offset += static_cast<std::uint64_t>(n);
    }
  }

  fs::path path_;
  descriptor fd_;
  std::uint64_t size_;
};

// A file's bytes read into a buffer of their own.
class buffered_bytes final : public file_bytes {
 public:
  buffered_bytes(const readable_file& file, std::uint64_t offset, std::size_t n)
      : buffer_(std::make_unique_for_overwrite<char[]>(n)) {
    file.read(offset, n, buffer_.get());
    view_ = std::string_view(buffer_.get(), n);
  }

 private:
  std::unique_ptr<char[]> buffer_;
};

// A file's bytes mapped read-only.
class mapped_bytes final : public file_bytes {
 public:
  // Null when the file cannot be mapped.
  static std::unique_ptr<const file_bytes> map(int fd, std::uint64_t offset, std::size_t n) {
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t start = offset / page * page;
    const std::size_t length = static_cast<std::size_t>(offset - start) + n;
    void* at = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE, fd, static_cast<off_t>(start));
    if (at == MAP_FAILED) return nullptr;
    // Not MAP_POPULATE: that would hold the process's memory-map lock while the file is read
    // in, stalling other threads' mmap, mprotect and page faults. A hint to read it in instead.
    ::madvise(at, length, MADV_WILLNEED);
    return std::unique_ptr<const file_bytes>(
        new mapped_bytes(at, length, static_cast<std::size_t>(offset - start), n));
  }
  ~mapped_bytes() override { ::munmap(at_, length_); }

 private:
  mapped_bytes(void* at, std::size_t length, std::size_t skip, std::size_t n) noexcept
      : at_(at), length_(length) {
    view_ = std::string_view(static_cast<const char*>(at) + skip, n);
  }

  void* at_;
  std::size_t length_;
};

class posix_readable_file final : public readable_file {
 public:
  posix_readable_file(fs::path path, int fd, std::uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}

  std::uint64_t size() const override { return size_; }

  void read(std::uint64_t offset, std::size_t n, char* out) const override {
    while (n > 0) {
      const ssize_t got = ::pread(fd_.get(), out, n, static_cast<off_t>(offset));
      if (got < 0) {
        if (errno == EINTR) continue;
        fail("read", path_, errno);
      }
      if (got == 0) {
        throw error(error_code::io_error,
                    fmt::format("Cannot read {}: unexpected end of file at offset {}",
                                path_.string(), offset));
      }
      out += got;
      offset += static_cast<std::uint64_t>(got);
      n -= static_cast<std::size_t>(got);
    }
  }

  std::unique_ptr<const file_bytes> bytes(std::uint64_t offset, std::size_t n) const override {
    // Small reads are cheaper than a mapping; bytes past the end fail as read() does.
    constexpr std::size_t map_from = 1 << 20;
    if (n >= map_from && offset <= size_ && n <= size_ - offset) {
      if (auto mapped = mapped_bytes::map(fd_.get(), offset, n)) return mapped;
    }
    return readable_file::bytes(offset, n);
  }

 private:
  fs::path path_;
  descriptor fd_;
  std::uint64_t size_;
};

std::uint64_t size_of(int fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    fail("inspect", path, err);
  }
  return static_cast<std::uint64_t>(st.st_size);
}

class posix_file_system_impl final : public file_system {
 public:
  std::unique_ptr<writable_file> create(const fs::path& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("create", path, errno);
    return std::make_unique<posix_writable_file>(path, fd, 0);
  }

  std::unique_ptr<writable_file> open_append(const fs::path& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail("open", path, errno);
    return std::make_unique<posix_writable_file>(path, fd, size_of(fd, path));
  }

  std::unique_ptr<readable_file> open_read(const fs::path& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("open", path, errno);
    return std::make_unique<posix_readable_file>(path, fd, size_of(fd, path));
  }

  std::vector<std::string> list(const fs::path& dir) override {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) names.push_back(it->path().filename().string());
    }
    if (ec) fail("list", dir, ec.value());
    return names;
  }

  void rename(const fs::path& from, const fs::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) fail("rename", from, errno);
  }

  void remove(const fs::path& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail("remove", path, errno);
  }

  void sync_directory(const fs::path& dir) override {
    descriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) fail("open", dir, errno);
    if (::fsync(fd.get()) != 0) fail("sync", dir, errno);
  }

  void create_directories(const fs::path& dir) override {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) fail("create directory", dir, ec.value());
  }

  std::shared_ptr<void> lock_directory(const fs::path& dir) override {
    return lock(dir, LOCK_EX);
  }

  std::shared_ptr<void> lock_directory_shared(const fs::path& dir) override {
    return lock(dir, LOCK_SH);
  }

 private:
  // flock(2) of `dir` with `operation` (LOCK_EX or LOCK_SH), without waiting.
  static std::shared_ptr<void> lock(const fs::path& dir, int operation) {
    auto fd = std::make_shared<descriptor>(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd->get() < 0) fail("open", dir, errno);
    if (::flock(fd->get(), operation | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) {
        throw error(error_code::io_error,
                    fmt::format("Cannot lock {}: another process is using it", dir.string()));
      }
      fail("lock", dir, errno);
    }
    return fd;  // closing the descriptor releases the lock
  }
};

}  // namespace

std::unique_ptr<const file_bytes> readable_file::bytes(std::uint64_t offset, std::size_t n) const {
  return std::make_unique<buffered_bytes>(*this, offset, n);
}

std::shared_ptr<void> file_system::lock_directory_shared(const fs::path& dir) {
  return lock_directory(dir);
}

std::shared_ptr<file_system> posix_file_system() {
  static const auto instance = std::make_shared<posix_file_system_impl>();
  return instance;
}

}  // namespace customerdb

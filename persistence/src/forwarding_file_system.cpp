#include <utility>

#include "customerdb/file_system.hpp"

namespace customerdb {

namespace fs = std::filesystem;

forwarding_file_system::forwarding_file_system(std::shared_ptr<file_system> target)
    : target_(std::move(target)) {}

std::unique_ptr<writable_file> forwarding_file_system::create(const fs::path& path) {
  return wrap(path, target_->create(path));
}
std::unique_ptr<writable_file> forwarding_file_system::open_append(const fs::path& path) {
  return wrap(path, target_->open_append(path));
}
std::unique_ptr<readable_file> forwarding_file_system::open_read(const fs::path& path) {
  return target_->open_read(path);
}
std::vector<std::string> forwarding_file_system::list(const fs::path& dir) {
  return target_->list(dir);
}
void forwarding_file_system::rename(const fs::path& from, const fs::path& to) {
  target_->rename(from, to);
}
void forwarding_file_system::remove(const fs::path& path) { target_->remove(path); }
void forwarding_file_system::sync_directory(const fs::path& dir) { target_->sync_directory(dir); }
void forwarding_file_system::create_directories(const fs::path& dir) {
  target_->create_directories(dir);
}
std::shared_ptr<void> forwarding_file_system::lock_directory(const fs::path& dir) {
  return target_->lock_directory(dir);
}
std::shared_ptr<void> forwarding_file_system::lock_directory_shared(const fs::path& dir) {
  return target_->lock_directory_shared(dir);
}
std::unique_ptr<writable_file> forwarding_file_system::wrap(const fs::path&,
                                                            std::unique_ptr<writable_file> file) {
  return file;
}

forwarding_writable_file::forwarding_writable_file(std::unique_ptr<writable_file> target)
    : target_(std::move(target)) {}

void forwarding_writable_file::append(std::string_view data) { target_->append(data); }
void forwarding_writable_file::write_at(std::uint64_t offset, std::string_view data) {
  target_->write_at(offset, data);
}
void forwarding_writable_file::sync() { target_->sync(); }
void forwarding_writable_file::truncate(std::uint64_t size) { target_->truncate(size); }
std::uint64_t forwarding_writable_file::size() const { return target_->size(); }
void forwarding_writable_file::reserve(std::uint64_t offset, std::uint64_t length) {
  target_->reserve(offset, length);
}

}  // namespace customerdb

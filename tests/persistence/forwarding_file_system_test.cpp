// forwarding_file_system and forwarding_writable_file (customerdb/file_system.hpp): every
// operation reaches the target, those with a default in the interface (reserve,
// lock_directory_shared) included; the files opened pass through wrap(). The tests' own
// faulty_file_system, built on them, takes a shared lock as its target does.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "customerdb/error.hpp"
#include "customerdb/file_system.hpp"
#include "persistence/support/faulty_file_system.hpp"
#include "persistence/support/temp_dir.hpp"
#include "support/check.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

// A file that records each operation it is given in `log`; its size is what it was told.
class recording_file final : public writable_file {
 public:
  explicit recording_file(std::vector<std::string>& log) : log_(log) {}
  void append(std::string_view data) override {
    log_.push_back("append " + std::string(data));
    size_ += data.size();
  }
  void write_at(std::uint64_t offset, std::string_view data) override {
    log_.push_back("write_at " + std::to_string(offset) + " " + std::string(data));
  }
  void sync() override { log_.push_back("sync"); }
  void truncate(std::uint64_t size) override {
    log_.push_back("truncate " + std::to_string(size));
    size_ = size;
  }
  std::uint64_t size() const override {
    log_.push_back("size");
    return size_;
  }
  void reserve(std::uint64_t offset, std::uint64_t length) override {
    log_.push_back("reserve " + std::to_string(offset) + " " + std::to_string(length));
  }

 private:
  std::vector<std::string>& log_;
  std::uint64_t size_ = 0;
};

std::string contents(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Over the operating system's file system: two shared locks of `dir` at once, and no exclusive
// one beside them, as posix_file_system() does (a file_system's default shared lock is the
// exclusive one, which would refuse the second).
void check_shared_locks(file_system& fs, const std::filesystem::path& dir) {
  auto first = fs.lock_directory_shared(dir);
  auto second = fs.lock_directory_shared(dir);
  CUSTOMERDB_CHECK_ERROR(fs.lock_directory(dir), error_code::io_error,
                         "Cannot lock " + dir.string() + ": another process is using it");
  first.reset();
  second.reset();
  BOOST_CHECK(fs.lock_directory(dir) != nullptr);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forwarding_file_system_suite)

BOOST_AUTO_TEST_CASE(a_forwarding_writable_file_hands_every_operation_to_its_target) {
  std::vector<std::string> log;
  forwarding_writable_file file(std::make_unique<recording_file>(log));
  file.append("abc");
  file.write_at(1, "x");
  file.sync();
  file.truncate(2);
  BOOST_CHECK_EQUAL(file.size(), 2u);
  file.reserve(2, 4096);
  const std::vector<std::string> expected = {"append abc", "write_at 1 x", "sync",
                                             "truncate 2", "size",         "reserve 2 4096"};
  BOOST_CHECK_EQUAL_COLLECTIONS(log.begin(), log.end(), expected.begin(), expected.end());
}

BOOST_AUTO_TEST_CASE(a_forwarding_file_system_hands_every_operation_to_its_target) {
  temp_dir dir;
  forwarding_file_system fs;  // over posix_file_system()
  const auto sub = dir.path() / "a" / "b";
  fs.create_directories(sub);
  BOOST_CHECK(std::filesystem::is_directory(sub));

  auto created = fs.create(sub / "one");
  created->append("hello");
  created->write_at(0, "J");
  created->sync();
  BOOST_CHECK_EQUAL(created->size(), 5u);
  created.reset();
  auto appended = fs.open_append(sub / "one");
  appended->append(", world");
  appended.reset();
  BOOST_CHECK_EQUAL(contents(sub / "one"), "Jello, world");

  const auto read = fs.open_read(sub / "one");
  BOOST_CHECK_EQUAL(read->size(), 12u);
  std::string head(5, '\0');
  read->read(0, 5, head.data());
  BOOST_CHECK_EQUAL(head, "Jello");

  fs.rename(sub / "one", sub / "two");
  fs.sync_directory(sub);
  BOOST_CHECK(fs.list(sub) == std::vector<std::string>{"two"});
  fs.remove(sub / "two");
  BOOST_CHECK(fs.list(sub).empty());
  CUSTOMERDB_CHECK_ERROR(fs.open_read(sub / "two"), error_code::io_error,
                         "Cannot open " + (sub / "two").string() + ": No such file or directory");

  check_shared_locks(fs, dir.path());
}

BOOST_AUTO_TEST_CASE(the_files_a_forwarding_file_system_opens_pass_through_wrap) {
  // Counts the syncs of the files it opens, and names the files wrap() saw.
  class watching final : public forwarding_file_system {
   public:
    std::vector<std::string> wrapped;
    int syncs = 0;

   private:
    class file final : public forwarding_writable_file {
     public:
      file(watching& owner, std::unique_ptr<writable_file> target)
          : forwarding_writable_file(std::move(target)), owner_(owner) {}
      void sync() override {
        ++owner_.syncs;
        forwarding_writable_file::sync();
      }

     private:
      watching& owner_;
    };
    std::unique_ptr<writable_file> wrap(const std::filesystem::path& path,
                                        std::unique_ptr<writable_file> f) override {
      wrapped.push_back(path.filename().string());
      return std::make_unique<file>(*this, std::move(f));
    }
  };
  temp_dir dir;
  watching fs;
  fs.create(dir.path() / "journal")->sync();
  auto again = fs.open_append(dir.path() / "journal");
  again->append("x");
  again->sync();
  again.reset();
  BOOST_CHECK(fs.wrapped == (std::vector<std::string>{"journal", "journal"}));
  BOOST_CHECK_EQUAL(fs.syncs, 2);
  BOOST_CHECK_EQUAL(contents(dir.path() / "journal"), "x");
}

BOOST_AUTO_TEST_CASE(faulty_file_system_takes_shared_locks_as_its_target_does) {
  temp_dir dir;
  const auto fs = std::make_shared<faulty_file_system>();
  check_shared_locks(*fs, dir.path());
}

BOOST_AUTO_TEST_SUITE_END()

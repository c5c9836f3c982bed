// readable_file::bytes() (persistence/src/posix_file_system.cpp): the bytes of a range of a file
// in memory, mapped for large ranges and read for small ones, exactly the file's bytes at any
// offset (mappings start on a page boundary); a range past the end fails as read() does; a file
// system of one's own that only implements read() gets the reading default.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#include "customerdb/error.hpp"
#include "customerdb/file_system.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"
#include "support/check.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

std::string random_bytes(std::size_t n) {
  std::mt19937 rng(7);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// A file whose read() serves `content` and counts its calls.
class counting_file final : public readable_file {
 public:
  explicit counting_file(std::string content) : content_(std::move(content)) {}
  std::uint64_t size() const override { return content_.size(); }
  void read(std::uint64_t offset, std::size_t n, char* out) const override {
    ++reads;
    if (offset + n > content_.size()) throw error(error_code::io_error, "past the end");
    std::memcpy(out, content_.data() + offset, n);
  }
  mutable int reads = 0;

 private:
  std::string content_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(file_bytes_of_a_range)

BOOST_AUTO_TEST_CASE(posix_ranges_large_and_small_at_any_offset) {
  temp_dir dir;
  const auto content = random_bytes(3 * (1 << 20) + 12345);
  const auto path = dir.path() / "data";
  write_bytes(path, content);
  const auto file = posix_file_system()->open_read(path);
  const std::size_t large = 2 * (1 << 20) + 777;
  for (const std::uint64_t offset : {0ul, 1ul, 128ul, 4095ul, 4096ul, 4097ul, 70000ul}) {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{5000}, large}) {
      BOOST_TEST_CONTEXT("offset " << offset << ", " << n << " bytes") {
        const auto bytes = file->bytes(offset, n);
        BOOST_TEST(bytes->view() == std::string_view(content).substr(offset, n));
      }
    }
  }
  // The whole file, up to its last byte.
  BOOST_TEST(file->bytes(0, content.size())->view() == content);
  const std::uint64_t tail = content.size() - large;
  BOOST_TEST(file->bytes(tail, large)->view() == std::string_view(content).substr(tail));
  // The bytes stay valid after the file handle is gone.
  auto kept = file->bytes(4097, large);
  const auto other = posix_file_system()->open_read(path);
  BOOST_TEST(kept->view() == std::string_view(content).substr(4097, large));
}

BOOST_AUTO_TEST_CASE(posix_range_past_the_end_fails_as_read_does) {
  temp_dir dir;
  const auto content = random_bytes(2 * (1 << 20));
  const auto path = dir.path() / "data";
  write_bytes(path, content);
  const auto file = posix_file_system()->open_read(path);
  const auto message = fmt::format("Cannot read {}: unexpected end of file at offset {}",
                                   path.string(), content.size());
  // One byte too many, and a range that starts at the end.
  CUSTOMERDB_CHECK_ERROR(file->bytes(1, content.size()), error_code::io_error, message);
  CUSTOMERDB_CHECK_ERROR(file->bytes(content.size(), 1 << 20), error_code::io_error, message);
}

BOOST_AUTO_TEST_CASE(the_default_reads_through_read) {
  const auto content = random_bytes(3 << 20);
  counting_file file(content);
  const auto bytes = file.bytes(10, 2 << 20);
  BOOST_TEST(bytes->view() == std::string_view(content).substr(10, 2 << 20));
  BOOST_TEST(file.reads == 1);
  CUSTOMERDB_CHECK_ERROR(file.bytes(1, 3 << 20), error_code::io_error, "past the end");
}

BOOST_AUTO_TEST_SUITE_END()

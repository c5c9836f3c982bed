// memory_buffer (persistence/src/archive_streams.hpp), the stream buffer archives decode
// snapshots and journal records from: reads hand out the bytes in order, a read past the end
// gets what is left and says how much, and an archive reading past the end fails.
#include "archive_streams.hpp"

#include <boost/archive/archive_exception.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>

BOOST_AUTO_TEST_SUITE(memory_buffer_reads)

using customerdb::persistence::memory_buffer;
using customerdb::persistence::string_buffer;

BOOST_AUTO_TEST_CASE(reads_in_order_and_short_at_the_end) {
  const std::string bytes = "abcdefg";
  memory_buffer buffer(bytes);
  char out[8] = {};
  BOOST_TEST(buffer.sgetn(out, 3) == 3);
  BOOST_TEST(std::string(out, 3) == "abc");
  BOOST_TEST(buffer.remaining() == 4u);
  BOOST_TEST(buffer.sgetn(out, 8) == 4);
  BOOST_TEST(std::string(out, 4) == "defg");
  BOOST_TEST(buffer.remaining() == 0u);
  BOOST_TEST(buffer.sgetn(out, 1) == 0);
}

BOOST_AUTO_TEST_CASE(an_archive_reads_back_what_was_written_and_fails_past_the_end) {
  string_buffer written;
  {
    boost::archive::binary_oarchive out(written, boost::archive::no_header);
    const std::uint64_t n = 42;
    const std::string s = "a string longer than fifteen bytes";
    out << n << s;
  }
  const std::string bytes = written.bytes();
  {
    memory_buffer buffer(bytes);
    boost::archive::binary_iarchive in(buffer, boost::archive::no_header);
    std::uint64_t n = 0;
    std::string s;
    in >> n >> s;
    BOOST_TEST(n == 42u);
    BOOST_TEST(s == "a string longer than fifteen bytes");
    BOOST_TEST(buffer.remaining() == 0u);
  }
  // The same bytes but the last: the string's characters come up one short.
  memory_buffer shorter(std::string_view(bytes).substr(0, bytes.size() - 1));
  boost::archive::binary_iarchive in(shorter, boost::archive::no_header);
  std::uint64_t n = 0;
  std::string s;
  in >> n;
  BOOST_CHECK_THROW(in >> s, boost::archive::archive_exception);
}

BOOST_AUTO_TEST_SUITE_END()

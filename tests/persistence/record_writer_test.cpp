// binary_record_writer (persistence/src/record_writer.hpp) writes exactly the bytes of Boost's
// binary_oarchive made as the journal's readers make theirs (no header, no codecvt): for every
// record type with every column set and with none, several records of one type in a row (the
// class information only before the first), mixed with the journal's own values, and the bytes
// read back through Boost's binary_iarchive.
#include <boost/test/unit_test.hpp>

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

#include "archive_streams.hpp"
#include "customerdb/records.hpp"
#include "record_archive.hpp"
#include "record_writer.hpp"

namespace {

using namespace customerdb;
using customerdb::persistence::binary_record_writer;

constexpr unsigned flags = boost::archive::no_header | boost::archive::no_codecvt;

// Sets a column to a value that depends on `n`.
template <class Member>
void fill(Member& member, int n) {
  if constexpr (std::is_same_v<Member, std::string> ||
                std::is_same_v<Member, std::optional<std::string>>) {
    member = "value " + std::to_string(n) + " \xc3\xa6\xc3\xb8\xc3\xa5";
  } else if constexpr (std::is_same_v<Member, bool>) {
    member = true;
  } else if constexpr (std::is_same_v<Member, timestamp> ||
                       std::is_same_v<Member, std::optional<timestamp>>) {
    member = timestamp(std::chrono::milliseconds(1'700'000'000'000 + n));
  } else if constexpr (std::is_same_v<Member, std::optional<metadata>>) {
    member = metadata{{"n", n}, {"nested", {{"list", {1, "two", nullptr}}}}};
  } else {
    static_assert(!sizeof(Member), "a column type this test does not fill");
  }
}

// A record of type Record with every stored column set to a value that depends on `seed`.
template <class Record>
Record filled(int seed) {
  Record r;
  int n = seed;
  for_each_column<typename Record::columns>([&](const auto& column) {
    if constexpr (std::remove_cvref_t<decltype(column)>::stored) fill(column.member(r), ++n);
  });
  return r;
}

// Writes the same values through Boost's archive and through the writer; returns both.
template <class... Values>
std::pair<std::string, std::string> both_ways(const Values&... values) {
  customerdb::persistence::string_buffer buffer;
  {
    boost::archive::binary_oarchive boost_archive(buffer, flags);
    (boost_archive << ... << values);
  }
  std::string ours;
  binary_record_writer writer(ours);
  (writer << ... << values);
  return {buffer.bytes(), ours};
}

template <class Record>
void check_record_type() {
  const std::uint8_t tag = 2;
  const Record empty{};
  const Record a = filled<Record>(0), b = filled<Record>(100);
  const auto [expected, actual] = both_ways(tag, a, tag, empty, b);
  BOOST_TEST(actual == expected);
  // And Boost reads them back.
  customerdb::persistence::memory_buffer in(actual);
  boost::archive::binary_iarchive archive(in, flags);
  std::uint8_t t1 = 0, t2 = 0;
  Record ra, rempty, rb;
  archive >> t1 >> ra >> t2 >> rempty >> rb;
  BOOST_TEST(t1 == tag);
  BOOST_TEST(t2 == tag);
  BOOST_TEST((ra == a));
  BOOST_TEST((rempty == empty));
  BOOST_TEST((rb == b));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(record_writer)

BOOST_AUTO_TEST_CASE(each_record_type_as_boost_writes_it) {
  check_record_type<customer_group_record>();
  check_record_type<customer_record>();
  check_record_type<customer_address_record>();
  check_record_type<customer_group_customer_record>();
}

// A commit's payload: records of several types, the class information of each before its first
// record only, between the journal's tags, erased ids and a source position.
BOOST_AUTO_TEST_CASE(a_mixed_payload_as_boost_writes_it) {
  const std::uint8_t put = 2, erase = 5, table = 1, end = 0;
  const std::uint64_t position = 0x0123456789abcdefULL;
  const std::string erased_id = "cus_01HX";
  const auto customer = filled<customer_record>(1);
  const auto address = filled<customer_address_record>(2);
  const auto group = filled<customer_group_record>(3);
  const auto membership = filled<customer_group_customer_record>(4);
  const auto [expected, actual] =
      both_ways(put, customer, put, address, put, address, erase, table, erased_id, put, group,
                put, membership, put, customer, end, position);
  BOOST_TEST(actual == expected);
  BOOST_TEST(actual.size() > 200u);
}

BOOST_AUTO_TEST_CASE(nothing_written_is_nothing) {
  std::string out = "kept";
  binary_record_writer writer(out);
  BOOST_TEST(out == "kept");
  writer << std::uint8_t{7};
  BOOST_TEST(out == "kept\x07");
}

BOOST_AUTO_TEST_SUITE_END()

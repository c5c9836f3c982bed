// The journal's record codec (persistence/src/record_codec.hpp): binary_record_writer writes
// exactly the bytes of Boost's binary_oarchive made as the journal's were (no header, no
// codecvt), and binary_record_reader reads them as Boost's binary_iarchive does: for every
// record type with every column set and with none, several records of one type in a row (the
// class information only before the first), mixed with the journal's own values; and the
// reader refuses bytes that end early, a record marked as tracked, a class version newer than
// the build's and a boolean that is not 0 or 1.
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
#include "record_codec.hpp"

namespace {

using namespace customerdb;
using customerdb::persistence::binary_record_reader;
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
  // Boost's archive and the reader read them back.
  const auto read_back = [&](auto& archive) {
    std::uint8_t t1 = 0, t2 = 0;
    Record ra, rempty, rb;
    archive >> t1 >> ra >> t2 >> rempty >> rb;
    BOOST_TEST(t1 == tag);
    BOOST_TEST(t2 == tag);
    BOOST_TEST((ra == a));
    BOOST_TEST((rempty == empty));
    BOOST_TEST((rb == b));
  };
  customerdb::persistence::memory_buffer in(actual);
  boost::archive::binary_iarchive boost_archive(in, flags);
  read_back(boost_archive);
  binary_record_reader reader(expected);
  read_back(reader);
  BOOST_TEST(reader.remaining() == 0u);
}

// What the reader throws for `bytes` read as a customer record.
std::string customer_read_error(std::string_view bytes) {
  binary_record_reader reader(bytes);
  customer_record r;
  try {
    reader >> r;
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "read without an error";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(record_codec)

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

// The reader reads back a payload of several record types, tags, an erased id and a position.
BOOST_AUTO_TEST_CASE(the_reader_reads_back_a_mixed_payload) {
  const std::uint8_t put = 2, erase = 5, table = 1, end = 0;
  const std::uint64_t position = 42;
  const auto customer = filled<customer_record>(1);
  const auto address = filled<customer_address_record>(2);
  std::string bytes;
  binary_record_writer writer(bytes);
  writer << put << customer << put << address << erase << table << std::string("cus_x") << put
         << customer << end << position;
  binary_record_reader reader(bytes);
  std::uint8_t codes[6] = {};
  customer_record c1, c2;
  customer_address_record a;
  std::string id;
  std::uint64_t p = 0;
  reader >> codes[0] >> c1 >> codes[1] >> a >> codes[2] >> codes[3] >> id >> codes[4] >> c2 >>
      codes[5] >> p;
  BOOST_TEST((c1 == customer && c2 == customer && a == address));
  BOOST_TEST(id == "cus_x");
  BOOST_TEST(p == position);
  BOOST_TEST(codes[5] == end);
  BOOST_TEST(reader.remaining() == 0u);
}

BOOST_AUTO_TEST_CASE(the_reader_refuses_what_a_writer_never_writes) {
  std::string whole;
  binary_record_writer writer(whole);
  writer << filled<customer_record>(1);
  // Bytes that end early, anywhere.
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{5}, whole.size() - 1})
    BOOST_TEST(customer_read_error(std::string_view(whole).substr(0, size)) ==
               "input stream error");
  // The class information: a tracking flag set; a class version newer than the build's.
  std::string tracked = whole;
  tracked[0] = 1;
  BOOST_TEST(customer_read_error(tracked) == "a record is marked as tracked");
  std::string newer = whole;
  newer[1] = 2;  // customer_record is at version 1
  BOOST_TEST(customer_read_error(newer) ==
             "a record of class version 2, newer than this build's 1");
  // A boolean that is neither 0 nor 1 (a presence flag of an optional column).
  customer_record empty;
  std::string flags_only;
  binary_record_writer(flags_only) << empty;
  const auto flag = flags_only.find('\0', 5 + sizeof(std::size_t));  // after the empty id
  BOOST_REQUIRE(flag != std::string::npos);
  flags_only[flag] = 2;
  BOOST_TEST(customer_read_error(flags_only) == "a boolean holds 2");
  BOOST_TEST(customer_read_error(whole) == "read without an error");
}

// The version an archive of this build writes is the one the codec names.
BOOST_AUTO_TEST_CASE(the_archive_library_version_is_boosts) {
  customerdb::persistence::string_buffer buffer;
  boost::archive::binary_oarchive archive(buffer, flags);
  BOOST_TEST(customerdb::persistence::archive_library_version() ==
             static_cast<std::uint32_t>(archive.get_library_version()));
}

BOOST_AUTO_TEST_CASE(nothing_written_is_nothing) {
  std::string out = "kept";
  binary_record_writer writer(out);
  BOOST_TEST(out == "kept");
  writer << std::uint8_t{7};
  BOOST_TEST(out == "kept\x07");
}

BOOST_AUTO_TEST_SUITE_END()

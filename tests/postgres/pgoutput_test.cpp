// pgoutput::decode and lsn over crafted byte buffers: every message kind of protocol version
// 1, every column kind, and every malformed input with its exact message.
#include "pgoutput.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "customerdb/postgres/lsn.hpp"
#include "customerdb/postgres/pg_error.hpp"

namespace pg = customerdb::postgres;
namespace po = customerdb::postgres::pgoutput;

namespace {

// A message built field by field, big-endian as the server writes it.
struct wire {
  std::string bytes;
  wire& u8(std::uint8_t v) {
    bytes += static_cast<char>(v);
    return *this;
  }
  wire& be(std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) bytes += static_cast<char>((v >> (8 * i)) & 0xFF);
    return *this;
  }
  wire& u16(std::uint16_t v) { return be(v, 2); }
  wire& u32(std::uint32_t v) { return be(v, 4); }
  wire& u64(std::uint64_t v) { return be(v, 8); }
  wire& str(std::string_view s) {  // NUL-terminated
    bytes += s;
    bytes += '\0';
    return *this;
  }
  wire& text(std::string_view s) {  // a 't' column
    u8('t').u32(static_cast<std::uint32_t>(s.size()));
    bytes += s;
    return *this;
  }
};

std::string error_of(std::string_view bytes) {
  try {
    po::decode(bytes);
  } catch (const pg::pg_error& e) {
    return e.what();
  }
  return "(no error)";
}

template <class T>
T decoded(std::string_view bytes) {
  const auto m = po::decode(bytes);
  BOOST_REQUIRE(std::holds_alternative<T>(m));
  return std::get<T>(m);
}

po::column_value text(std::string s) { return {po::value_kind::text, std::move(s)}; }
const po::column_value null_value{po::value_kind::null, {}};
const po::column_value unchanged{po::value_kind::unchanged, {}};

// One well-formed message of every kind, for the checks that apply to all.
std::vector<std::pair<std::string, std::string>> every_kind() {
  return {
      {"Begin", wire{}.u8('B').u64(0x16B374D848).u64(1).u32(7).bytes},
      {"Commit", wire{}.u8('C').u8(0).u64(1).u64(2).u64(3).bytes},
      {"Origin", wire{}.u8('O').u64(5).str("o").bytes},
      {"Relation", wire{}
                       .u8('R')
                       .u32(1)
                       .str("public")
                       .str("t")
                       .u8('d')
                       .u16(1)
                       .u8(1)
                       .str("id")
                       .u32(25)
                       .u32(0xFFFFFFFF)
                       .bytes},
      {"Type", wire{}.u8('Y').u32(16390).str("public").str("mood").bytes},
      {"Insert", wire{}.u8('I').u32(1).u8('N').u16(2).text("a").u8('n').bytes},
      {"Update", wire{}.u8('U').u32(1).u8('K').u16(1).text("a").u8('N').u16(1).text("b").bytes},
      {"Delete", wire{}.u8('D').u32(1).u8('O').u16(1).u8('u').bytes},
      {"Truncate", wire{}.u8('T').u32(2).u8(3).u32(1).u32(2).bytes},
      {"Message", wire{}.u8('M').u8(1).u64(9).str("p").u32(2).bytes + "hi"},
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(lsn_parses_and_formats_the_servers_text) {
  BOOST_TEST(pg::lsn::parse("16/B374D848").value == 0x16B374D848u);
  BOOST_TEST(pg::lsn::parse("0/0").value == 0u);
  BOOST_TEST(pg::lsn::parse("ffffffff/FFFFFFFF").value == ~std::uint64_t{0});
  BOOST_TEST(pg::lsn::parse("00000001/0000000a").value == 0x10000000Au);
  BOOST_TEST(pg::lsn{0x16B374D848}.to_string() == "16/B374D848");
  BOOST_TEST(pg::lsn{0}.to_string() == "0/0");
  BOOST_TEST(pg::lsn{0x10000000A}.to_string() == "1/A");
  BOOST_TEST(pg::lsn{~std::uint64_t{0}}.to_string() == "FFFFFFFF/FFFFFFFF");
  BOOST_TEST(pg::lsn{1} < pg::lsn{2});
  BOOST_TEST(!pg::lsn{}.valid());
  for (const std::string bad : {"", "16", "16/", "/1", "123456789/0", "1/123456789", "1/g", " 1/1",
                                "1/1 ", "1/1/1", "+1/1", "-1/1", "0x1/1"}) {
    BOOST_TEST_CONTEXT(bad) {
      try {
        pg::lsn::parse(bad);
        BOOST_FAIL("no error");
      } catch (const pg::pg_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "invalid LSN \"" + bad +
                       "\": expected two hexadecimal numbers of 1 to 8 digits separated by '/' "
                       "(as in 16/B374D848)");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(begin_commit_origin) {
  const auto b = decoded<po::begin>(
      wire{}.u8('B').u64(0x16B374D848).u64(0x0002A1B2C3D4E5F6).u32(0xFFFFFFF0).bytes);
  BOOST_TEST(b.final_lsn.value == 0x16B374D848u);
  BOOST_TEST(b.commit_time == 0x0002A1B2C3D4E5F6);
  BOOST_TEST(b.xid == 0xFFFFFFF0u);

  const auto c =
      decoded<po::commit>(wire{}.u8('C').u8(0).u64(0x100).u64(0x1FF).u64(0xFFFFFFFFFFFFFFFF).bytes);
  BOOST_TEST(c.flags == 0);
  BOOST_TEST(c.commit_lsn.value == 0x100u);
  BOOST_TEST(c.end_lsn.value == 0x1FFu);
  BOOST_TEST(c.commit_time == -1);  // before 2000: negative

  const auto o = decoded<po::origin>(wire{}.u8('O').u64(0xABCDEF).str("node_a").bytes);
  BOOST_TEST(o.commit_lsn.value == 0xABCDEFu);
  BOOST_TEST(o.name == "node_a");
}

BOOST_AUTO_TEST_CASE(relation_and_type) {
  const auto r = decoded<po::relation>(wire{}
                                           .u8('R')
                                           .u32(16385)
                                           .str("public")
                                           .str("customer")
                                           .u8('d')
                                           .u16(3)
                                           .u8(1)
                                           .str("id")
                                           .u32(25)
                                           .u32(0xFFFFFFFF)
                                           .u8(0)
                                           .str("code")
                                           .u32(1043)
                                           .u32(14)
                                           .u8(0)
                                           .str("metadata")
                                           .u32(3802)
                                           .u32(0xFFFFFFFF)
                                           .bytes);
  BOOST_TEST(r.relation_id == 16385u);
  BOOST_TEST(r.namespace_name == "public");
  BOOST_TEST(r.name == "customer");
  BOOST_TEST((r.replica_identity == po::replica_identity::default_key));
  BOOST_REQUIRE(r.columns.size() == 3u);
  BOOST_TEST((r.columns[0] == po::relation_column{1, "id", 25, -1}));
  BOOST_TEST(r.columns[0].key());
  BOOST_TEST((r.columns[1] == po::relation_column{0, "code", 1043, 14}));
  BOOST_TEST(!r.columns[1].key());
  BOOST_TEST((r.columns[2] == po::relation_column{0, "metadata", 3802, -1}));

  for (const char identity : {'n', 'f', 'i'}) {
    const auto other =
        decoded<po::relation>(wire{}.u8('R').u32(7).str("").str("t").u8(identity).u16(0).bytes);
    BOOST_TEST(static_cast<char>(other.replica_identity) == identity);
    BOOST_TEST(other.namespace_name.empty());  // pg_catalog
    BOOST_TEST(other.columns.empty());
  }

  const auto t = decoded<po::type>(wire{}.u8('Y').u32(16390).str("shop").str("mood").bytes);
  BOOST_TEST(t.type_oid == 16390u);
  BOOST_TEST(t.namespace_name == "shop");
  BOOST_TEST(t.name == "mood");
}

BOOST_AUTO_TEST_CASE(insert_with_every_column_kind) {
  wire w;
  w.u8('I').u32(16385).u8('N').u16(5).text("cus_01").u8('n').u8('u').text("").text(
      std::string("a\0b", 3));
  const auto i = decoded<po::insert>(w.bytes);
  BOOST_TEST(i.relation_id == 16385u);
  BOOST_TEST((i.new_tuple == po::tuple{text("cus_01"), null_value, unchanged, text(""),
                                       text(std::string("a\0b", 3))}));

  const auto empty = decoded<po::insert>(wire{}.u8('I').u32(1).u8('N').u16(0).bytes);
  BOOST_TEST(empty.new_tuple.empty());
}

BOOST_AUTO_TEST_CASE(update_without_with_key_and_with_old_row) {
  const auto plain =
      decoded<po::update>(wire{}.u8('U').u32(9).u8('N').u16(2).text("id").u8('u').bytes);
  BOOST_TEST(plain.relation_id == 9u);
  BOOST_TEST((plain.old_kind == po::old_tuple_kind::none));
  BOOST_TEST(plain.old_tuple.empty());
  BOOST_TEST((plain.new_tuple == po::tuple{text("id"), unchanged}));

  const auto key = decoded<po::update>(wire{}
                                           .u8('U')
                                           .u32(9)
                                           .u8('K')
                                           .u16(2)
                                           .text("old")
                                           .u8('n')
                                           .u8('N')
                                           .u16(2)
                                           .text("new")
                                           .text("x")
                                           .bytes);
  BOOST_TEST((key.old_kind == po::old_tuple_kind::key));
  BOOST_TEST((key.old_tuple == po::tuple{text("old"), null_value}));
  BOOST_TEST((key.new_tuple == po::tuple{text("new"), text("x")}));

  const auto full = decoded<po::update>(wire{}
                                            .u8('U')
                                            .u32(9)
                                            .u8('O')
                                            .u16(2)
                                            .text("id")
                                            .text("a")
                                            .u8('N')
                                            .u16(2)
                                            .text("id")
                                            .text("b")
                                            .bytes);
  BOOST_TEST((full.old_kind == po::old_tuple_kind::full));
  BOOST_TEST((full.old_tuple == po::tuple{text("id"), text("a")}));
  BOOST_TEST((full.new_tuple == po::tuple{text("id"), text("b")}));
}

BOOST_AUTO_TEST_CASE(delete_by_key_and_by_old_row) {
  const auto key =
      decoded<po::remove>(wire{}.u8('D').u32(3).u8('K').u16(2).text("cus_1").u8('n').bytes);
  BOOST_TEST(key.relation_id == 3u);
  BOOST_TEST((key.old_kind == po::old_tuple_kind::key));
  BOOST_TEST((key.old_tuple == po::tuple{text("cus_1"), null_value}));

  const auto full =
      decoded<po::remove>(wire{}.u8('D').u32(3).u8('O').u16(2).text("cus_1").text("x").bytes);
  BOOST_TEST((full.old_kind == po::old_tuple_kind::full));
  BOOST_TEST((full.old_tuple == po::tuple{text("cus_1"), text("x")}));
}

BOOST_AUTO_TEST_CASE(truncate_with_each_option) {
  for (const std::uint8_t options : {0, 1, 2, 3}) {
    const auto t =
        decoded<po::truncate>(wire{}.u8('T').u32(2).u8(options).u32(16385).u32(16390).bytes);
    BOOST_TEST((t.relation_ids == std::vector<std::uint32_t>{16385, 16390}));
    BOOST_TEST(t.cascade == ((options & 1) != 0));
    BOOST_TEST(t.restart_identity == ((options & 2) != 0));
  }
  const auto none = decoded<po::truncate>(wire{}.u8('T').u32(0).u8(0).bytes);
  BOOST_TEST(none.relation_ids.empty());
}

BOOST_AUTO_TEST_CASE(logical_decoding_message) {
  const auto m = decoded<po::logical_message>(
      wire{}.u8('M').u8(1).u64(0x2A).str("app").u32(3).bytes + std::string("x\0y", 3));
  BOOST_TEST(m.transactional);
  BOOST_TEST(m.message_lsn.value == 0x2Au);
  BOOST_TEST(m.prefix == "app");
  BOOST_TEST(m.content == std::string("x\0y", 3));

  const auto plain = decoded<po::logical_message>(wire{}.u8('M').u8(0).u64(1).str("").u32(0).bytes);
  BOOST_TEST(!plain.transactional);
  BOOST_TEST(plain.content.empty());
}

BOOST_AUTO_TEST_CASE(message_names) {
  for (const auto& [name, bytes] : every_kind())
    BOOST_TEST(po::message_name(po::decode(bytes)) == name);
}

BOOST_AUTO_TEST_CASE(unknown_and_empty_messages) {
  BOOST_TEST(error_of("") == "pgoutput: empty message");
  BOOST_TEST(error_of("x") == "pgoutput: unknown message tag 'x' at offset 0");
  BOOST_TEST(error_of(std::string("\0", 1)) == "pgoutput: unknown message tag 0x00 at offset 0");
  BOOST_TEST(error_of("\xFF") == "pgoutput: unknown message tag 0xFF at offset 0");
  // Version 2's stream start and version 3's begin prepare are not version 1.
  BOOST_TEST(error_of(wire{}.u8('S').u32(1).u8(1).bytes) ==
             "pgoutput: unknown message tag 'S' at offset 0");
  BOOST_TEST(error_of(wire{}.u8('b').u64(1).bytes) ==
             "pgoutput: unknown message tag 'b' at offset 0");
}

BOOST_AUTO_TEST_CASE(every_prefix_of_every_message_is_truncated) {
  for (const auto& [name, bytes] : every_kind()) {
    for (std::size_t n = 1; n < bytes.size(); ++n) {
      BOOST_TEST_CONTEXT(name << " cut to " << n) {
        BOOST_TEST(
            error_of(bytes.substr(0, n)).rfind("pgoutput: truncated " + name + " message: ", 0) ==
            0u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(truncated_messages_say_what_and_where) {
  BOOST_TEST(error_of("B") ==
             "pgoutput: truncated Begin message: final LSN needs 8 bytes at offset 1, 0 left");
  BOOST_TEST(error_of(wire{}.u8('B').u64(1).u64(2).u16(0).bytes) ==
             "pgoutput: truncated Begin message: xid needs 4 bytes at offset 17, 2 left");
  BOOST_TEST(error_of(wire{}.u8('C').bytes) ==
             "pgoutput: truncated Commit message: flags needs 1 byte at offset 1, 0 left");
  BOOST_TEST(error_of(wire{}.u8('I').u16(0).bytes) ==
             "pgoutput: truncated Insert message: relation id needs 4 bytes at offset 1, 2 left");
  BOOST_TEST(error_of(wire{}.u8('O').u64(1).bytes + "abc") ==
             "pgoutput: truncated Origin message: origin name at offset 9 has no terminating NUL");
  BOOST_TEST(error_of(wire{}.u8('R').u32(1).str("public").bytes + "cust") ==
             "pgoutput: truncated Relation message: name at offset 12 has no terminating NUL");
  BOOST_TEST(error_of(wire{}
                          .u8('R')
                          .u32(1)
                          .str("s")
                          .str("t")
                          .u8('d')
                          .u16(2)
                          .u8(1)
                          .str("id")
                          .u32(25)
                          .u32(0)
                          .u8(0)
                          .str("name")
                          .u32(25)
                          .bytes) ==
             "pgoutput: truncated Relation message: type modifier of column 2 needs 4 bytes at "
             "offset 34, 0 left");
  BOOST_TEST(error_of(wire{}.u8('I').u32(1).u8('N').u16(3).text("a").bytes) ==
             "pgoutput: truncated Insert message: kind of column 2 needs 1 byte at offset 14, 0 "
             "left");
  BOOST_TEST(error_of(wire{}.u8('I').u32(1).u8('N').u16(1).u8('t').u16(0).bytes) ==
             "pgoutput: truncated Insert message: length of column 1 needs 4 bytes at offset 9, "
             "2 left");
  BOOST_TEST(error_of(wire{}.u8('I').u32(1).u8('N').u16(1).u8('t').u32(10).bytes + "abc") ==
             "pgoutput: truncated Insert message: value of column 1 needs 10 bytes at offset 13, "
             "3 left");
  BOOST_TEST(error_of(wire{}.u8('U').u32(1).u8('K').u16(1).u8('n').bytes) ==
             "pgoutput: truncated Update message: tuple tag needs 1 byte at offset 9, 0 left");
  BOOST_TEST(error_of(wire{}.u8('T').u32(3).u8(0).u32(1).u32(2).bytes) ==
             "pgoutput: truncated Truncate message: relation id 3 needs 4 bytes at offset 14, 0 "
             "left");
  BOOST_TEST(error_of(wire{}.u8('M').u8(0).u64(1).str("p").u32(5).bytes + "abcd") ==
             "pgoutput: truncated Message message: content needs 5 bytes at offset 16, 4 left");
  // Counts far beyond the bytes: an error, not a huge reservation.
  BOOST_TEST(error_of(wire{}.u8('I').u32(1).u8('N').u16(0xFFFF).bytes) ==
             "pgoutput: truncated Insert message: kind of column 1 needs 1 byte at offset 8, 0 "
             "left");
  BOOST_TEST(error_of(wire{}.u8('T').u32(0xFFFFFFFF).u8(0).u32(5).bytes) ==
             "pgoutput: truncated Truncate message: relation id 2 needs 4 bytes at offset 10, 0 "
             "left");
}

BOOST_AUTO_TEST_CASE(trailing_bytes) {
  for (const auto& [name, bytes] : every_kind()) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(error_of(bytes + 'x') == "pgoutput: 1 trailing byte after " + name +
                                              " message at offset " + std::to_string(bytes.size()));
      BOOST_TEST(error_of(bytes + std::string(3, '\0')) == "pgoutput: 3 trailing bytes after " +
                                                               name + " message at offset " +
                                                               std::to_string(bytes.size()));
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_tags_kinds_lengths_and_flags) {
  BOOST_TEST(error_of(wire{}.u8('I').u32(1).u8('N').u16(3).u8('n').u8('b').u32(0).bytes) ==
             "pgoutput: unknown column kind 'b' in Insert message at offset 9 (column 2 of 3)");
  BOOST_TEST(error_of(wire{}.u8('D').u32(1).u8('K').u16(1).u8(0).bytes) ==
             "pgoutput: unknown column kind 0x00 in Delete message at offset 8 (column 1 of 1)");
  BOOST_TEST(error_of(wire{}.u8('I').u32(1).u8('N').u16(1).u8('t').u32(0xFFFFFFFE).bytes) ==
             "pgoutput: Insert message: length of column 1 is negative (-2) at offset 9");
  BOOST_TEST(error_of(wire{}.u8('I').u32(1).u8('K').u16(0).bytes) ==
             "pgoutput: Insert message: expected 'N' at offset 5, got 'K'");
  BOOST_TEST(error_of(wire{}.u8('U').u32(1).u8('x').u16(0).bytes) ==
             "pgoutput: Update message: expected 'K', 'O' or 'N' at offset 5, got 'x'");
  BOOST_TEST(error_of(wire{}.u8('U').u32(1).u8('O').u16(0).u8('O').u16(0).bytes) ==
             "pgoutput: Update message: expected 'N' at offset 8, got 'O'");
  BOOST_TEST(error_of(wire{}.u8('D').u32(1).u8('N').u16(0).bytes) ==
             "pgoutput: Delete message: expected 'K' or 'O' at offset 5, got 'N'");
  BOOST_TEST(error_of(wire{}.u8('R').u32(1).str("s").str("t").u8('z').u16(0).bytes) ==
             "pgoutput: Relation message: unknown replica identity 'z' at offset 9");
  BOOST_TEST(error_of(wire{}.u8('T').u32(0).u8(4).bytes) ==
             "pgoutput: Truncate message: unknown option bits 0x04 at offset 5");
  BOOST_TEST(error_of(wire{}.u8('M').u8(3).u64(0).str("").u32(0).bytes) ==
             "pgoutput: Message message: unknown flags 0x03 at offset 1");
  BOOST_TEST(error_of(wire{}.u8('M').u8(0).u64(0).str("").u32(0x80000000).bytes) ==
             "pgoutput: Message message: content length is negative (-2147483648) at offset 11");
}

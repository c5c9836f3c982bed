// Tests of server/src/jsonl.cpp: the exact bytes of encoded records, round trips of every
// record type (metadata kept exactly), the exact messages of bad lines, the streaming reader
// and writer, and a round trip through customer_module::import_records / export_records.
#include "customerdb/server/jsonl.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "customerdb/customerdb.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::server;
using namespace std::chrono_literals;

timestamp at(std::string_view iso) { return *parse_iso8601(iso); }

// The message of the jsonl_error that decoding `line` as line `number` throws.
std::string error_of(std::string_view line, std::uint64_t number = 12) {
  try {
    decode_record(line, number);
  } catch (const jsonl_error& e) {
    BOOST_CHECK_EQUAL(e.line(), number);
    return e.what();
  } catch (const std::exception& e) {
    return std::string("<other exception> ") + e.what();
  }
  return "<no throw>";
}

customer_record full_customer() {
  customer_record c;
  c.id = "cus_01HZX3F5Q8M5T1V2W3X4Y5Z6A7";
  c.company_name = "Müller GmbH";
  c.first_name = "Jürgen";
  c.last_name = "Müller";
  c.email = "jm@example.de";
  c.phone = "+49 30 1234567";
  c.has_account = true;
  c.metadata =
      boost::json::parse(R"({"b":1,"a":{"z":[1,-2.5,"x\"y\n"],"t":true,"n":null}})").as_object();
  c.created_by = "admin";
  c.created_at = at("2024-05-24T10:00:00.000Z");
  c.updated_at = at("2024-05-24T10:00:01.250Z");
  c.deleted_at = at("2024-06-01T00:00:00.001Z");
  return c;
}

const std::string full_customer_line =
    R"({"type":"customer","id":"cus_01HZX3F5Q8M5T1V2W3X4Y5Z6A7","email":"jm@example.de",)"
    R"("first_name":"Jürgen","last_name":"Müller","company_name":"Müller GmbH",)"
    R"("phone":"+49 30 1234567","has_account":true,)"
    R"("metadata":{"b":1,"a":{"z":[1,-2.5E0,"x\"y\n"],"t":true,"n":null}},"created_by":"admin",)"
    R"("created_at":"2024-05-24T10:00:00.000Z","updated_at":"2024-05-24T10:00:01.250Z",)"
    R"("deleted_at":"2024-06-01T00:00:00.001Z"})";

const std::string minimal_customer_line =
    R"({"type":"customer","id":"cus_1","created_at":"2024-05-24T10:00:00.000Z",)"
    R"("updated_at":"2024-05-24T10:00:00.000Z"})";

// Every record type once, with the columns a store would hold.
std::vector<record> sample_records() {
  std::vector<record> out;
  customer_group_record g;
  g.id = "cusgroup_01";
  g.name = "VIP";
  g.metadata = boost::json::parse(R"({"discount":10})").as_object();
  g.created_at = at("2024-01-01T00:00:00.000Z");
  g.updated_at = at("2024-01-02T00:00:00.000Z");
  out.emplace_back(g);
  out.emplace_back(full_customer());
  customer_record plain;
  plain.id = "cus_02";
  plain.email = "plain@example.com";
  plain.created_at = at("2024-01-03T00:00:00.000Z");
  plain.updated_at = plain.created_at;
  out.emplace_back(plain);
  customer_address_record a;
  a.id = "cuaddr_01";
  a.customer_id = "cus_02";
  a.address_name = "Home";
  a.is_default_shipping = true;
  a.city = "København";
  a.country_code = "dk";
  a.postal_code = "1620";
  a.metadata = boost::json::parse(R"({"verified":true})").as_object();
  a.created_at = at("2024-01-04T00:00:00.000Z");
  a.updated_at = a.created_at;
  out.emplace_back(a);
  customer_group_customer_record m;
  m.id = "cusgc_01";
  m.customer_id = "cus_02";
  m.customer_group_id = "cusgroup_01";
  m.created_by = "admin";
  m.created_at = at("2024-01-05T00:00:00.000Z");
  m.updated_at = m.created_at;
  out.emplace_back(m);
  return out;
}

std::string encode_all(const std::vector<record>& rows) {
  std::string out;
  for (const auto& r : rows) {
    encode_record(r, out);
    out += '\n';
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(encoding)

BOOST_AUTO_TEST_CASE(every_column_in_record_order) {
  BOOST_CHECK_EQUAL(encode_record(full_customer()), full_customer_line);
}

BOOST_AUTO_TEST_CASE(unset_columns_are_null) {
  customer_address_record a;
  a.id = "cuaddr_1";
  a.customer_id = "cus_1";
  a.created_at = at("2024-05-24T10:00:00.000Z");
  a.updated_at = a.created_at;
  BOOST_CHECK_EQUAL(
      encode_record(a),
      R"({"type":"customer_address","id":"cuaddr_1","customer_id":"cus_1","address_name":null,)"
      R"("is_default_shipping":false,"is_default_billing":false,"company":null,)"
      R"("first_name":null,"last_name":null,"address_1":null,"address_2":null,"city":null,)"
      R"("country_code":null,"province":null,"postal_code":null,"phone":null,"metadata":null,)"
      R"("created_at":"2024-05-24T10:00:00.000Z","updated_at":"2024-05-24T10:00:00.000Z",)"
      R"("deleted_at":null})");
}

BOOST_AUTO_TEST_CASE(type_tags) {
  const auto rows = sample_records();
  BOOST_CHECK_EQUAL(record_type(rows[0]), "customer_group");
  BOOST_CHECK_EQUAL(record_type(rows[1]), "customer");
  BOOST_CHECK_EQUAL(record_type(rows[3]), "customer_address");
  BOOST_CHECK_EQUAL(record_type(rows[4]), "customer_group_customer");
}

BOOST_AUTO_TEST_CASE(round_trips_byte_for_byte) {
  for (const auto& r : sample_records()) {
    const std::string line = encode_record(r);
    const record back = decode_record(line, 1);
    BOOST_CHECK_EQUAL(back.index(), r.index());
    BOOST_CHECK_EQUAL(encode_record(back), line);
  }
  const auto c = std::get<customer_record>(decode_record(full_customer_line, 1));
  BOOST_CHECK(c.metadata == full_customer().metadata);
  BOOST_CHECK(c.deleted_at == full_customer().deleted_at);
  BOOST_CHECK_EQUAL(*c.first_name, "Jürgen");
}

BOOST_AUTO_TEST_CASE(nullable_columns_and_booleans_may_be_left_out) {
  const auto c = std::get<customer_record>(decode_record(minimal_customer_line, 1));
  BOOST_CHECK_EQUAL(c.id, "cus_1");
  BOOST_CHECK(!c.email && !c.metadata && !c.deleted_at);
  BOOST_CHECK(!c.has_account);
  BOOST_CHECK(c.created_at == at("2024-05-24T10:00:00.000Z"));
}

BOOST_AUTO_TEST_CASE(key_order_does_not_matter) {
  const auto m = std::get<customer_group_customer_record>(decode_record(
      R"({"updated_at":"2024-05-24T10:00:00Z","customer_group_id":"g","id":"m",)"
      R"("created_at":"2024-05-24T10:00:00.000Z","customer_id":"c","type":"customer_group_customer"})",
      1));
  BOOST_CHECK_EQUAL(m.customer_group_id, "g");
  BOOST_CHECK_EQUAL(m.customer_id, "c");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(wrong_json_types_name_line_and_key) {
  const std::string head =
      R"({"type":"customer","id":"cus_1","created_at":"2024-05-24T10:00:00.000Z","updated_at":"2024-05-24T10:00:00.000Z",)";
  BOOST_CHECK_EQUAL(error_of(head + R"("email":5})"),
                    "line 12: customer.email must be a string or null");
  BOOST_CHECK_EQUAL(error_of(head + R"("has_account":"yes"})"),
                    "line 12: customer.has_account must be a boolean");
  BOOST_CHECK_EQUAL(error_of(head + R"("has_account":null})"),
                    "line 12: customer.has_account must be a boolean");
  BOOST_CHECK_EQUAL(error_of(head + R"("metadata":[1]})"),
                    "line 12: customer.metadata must be an object or null");
  BOOST_CHECK_EQUAL(error_of(head + R"("deleted_at":"yesterday"})"),
                    "line 12: customer.deleted_at must be a timestamp such as "
                    "\"2024-05-24T10:00:00.000Z\" or null");
  BOOST_CHECK_EQUAL(
      error_of(
          R"({"type":"customer_group","id":1,"created_at":"2024-05-24T10:00:00.000Z","updated_at":"2024-05-24T10:00:00.000Z"})"),
      "line 12: customer_group.id must be a string");
  BOOST_CHECK_EQUAL(
      error_of(
          R"({"type":"customer_group","id":"g","created_at":null,"updated_at":"2024-05-24T10:00:00.000Z"})",
          3),
      "line 3: customer_group.created_at must be a timestamp such as "
      "\"2024-05-24T10:00:00.000Z\"");
}

BOOST_AUTO_TEST_CASE(unknown_keys) {
  const std::string head =
      R"({"type":"customer","id":"cus_1","created_at":"2024-05-24T10:00:00.000Z","updated_at":"2024-05-24T10:00:00.000Z",)";
  BOOST_CHECK_EQUAL(error_of(head + R"("nickname":"jj"})"),
                    "line 12: customer.nickname is not a column of customer");
  // A derived DTO field is not a column.
  BOOST_CHECK_EQUAL(error_of(head + R"("default_billing_address_id":null})"),
                    "line 12: customer.default_billing_address_id is not a column of customer");
}

BOOST_AUTO_TEST_CASE(missing_required_columns) {
  BOOST_CHECK_EQUAL(
      error_of(
          R"({"type":"customer_address","id":"a","created_at":"2024-05-24T10:00:00.000Z","updated_at":"2024-05-24T10:00:00.000Z"})",
          4),
      "line 4: customer_address.customer_id is missing");
  BOOST_CHECK_EQUAL(error_of(R"({"type":"customer","id":"c"})", 5),
                    "line 5: customer.created_at is missing");
  BOOST_CHECK_EQUAL(error_of(R"({"type":"customer_group"})", 6),
                    "line 6: customer_group.id is missing");
}

BOOST_AUTO_TEST_CASE(type_tag) {
  BOOST_CHECK_EQUAL(error_of(R"({"type":"order","id":"o"})", 5),
                    "line 5: type \"order\" is not one of customer_group, customer, "
                    "customer_address, customer_group_customer");
  BOOST_CHECK_EQUAL(error_of(R"({"id":"o"})", 6), "line 6: type is missing");
  BOOST_CHECK_EQUAL(error_of(R"({"type":7})", 6), "line 6: type must be a string");
}

BOOST_AUTO_TEST_CASE(not_an_object) {
  BOOST_CHECK_EQUAL(error_of("[1,2]", 8), "line 8: must be a JSON object");
  BOOST_CHECK(error_of(R"({"type":"customer",)", 7).starts_with("line 7: not valid JSON ("));
  BOOST_CHECK(error_of("\xff", 9).starts_with("line 9: not valid JSON ("));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(streams)

BOOST_AUTO_TEST_CASE(reader_skips_blank_lines_and_counts_lines) {
  std::istringstream in(minimal_customer_line + "\r\n\n   \n" + full_customer_line);
  jsonl_reader reader(in);
  record r;
  BOOST_REQUIRE(reader.next(r));
  BOOST_CHECK_EQUAL(reader.line(), 1u);
  BOOST_CHECK_EQUAL(std::get<customer_record>(r).id, "cus_1");
  BOOST_REQUIRE(reader.next(r));
  BOOST_CHECK_EQUAL(reader.line(), 4u);
  BOOST_CHECK_EQUAL(encode_record(r), full_customer_line);
  BOOST_CHECK(!reader.next(r));
  BOOST_CHECK_EQUAL(reader.bytes(), in.str().size());
}

BOOST_AUTO_TEST_CASE(reader_names_the_bad_line) {
  std::istringstream in(minimal_customer_line + "\n\n{\"type\":\"customer\",\"id\":2}\n");
  jsonl_reader reader(in);
  record r;
  BOOST_REQUIRE(reader.next(r));
  try {
    reader.next(r);
    BOOST_ERROR("no throw");
  } catch (const jsonl_error& e) {
    BOOST_CHECK_EQUAL(e.line(), 3u);
    BOOST_CHECK(e.code() == error_code::invalid_data);  // a customerdb::error like every other
    BOOST_CHECK_EQUAL(std::string(e.what()), "line 3: customer.id must be a string");
  }
}

BOOST_AUTO_TEST_CASE(writer_writes_one_line_per_record) {
  const auto rows = sample_records();
  std::ostringstream out;
  {
    jsonl_writer writer(out);
    for (const auto& r : rows) writer.write(r);
    writer.flush();
    BOOST_CHECK_EQUAL(writer.rows(), rows.size());
    BOOST_CHECK_EQUAL(writer.bytes(), out.str().size());
  }
  BOOST_CHECK_EQUAL(out.str(), encode_all(rows));
}

BOOST_AUTO_TEST_CASE(add_record_sorts_by_table) {
  record_set set;
  for (auto r : sample_records()) add_record(set, std::move(r));
  BOOST_CHECK_EQUAL(set.customer_groups.size(), 1u);
  BOOST_CHECK_EQUAL(set.customers.size(), 2u);
  BOOST_CHECK_EQUAL(set.customer_addresses.size(), 1u);
  BOOST_CHECK_EQUAL(set.customer_group_customers.size(), 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(store)

// Lines -> records -> import_records -> export_records -> lines gives the same bytes.
BOOST_AUTO_TEST_CASE(import_then_export_gives_the_same_lines) {
  const std::string lines = encode_all(sample_records());
  std::istringstream in(lines);
  jsonl_reader reader(in);
  record_set set;
  record r;
  while (reader.next(r)) add_record(set, std::move(r));
  customer_module module;
  module.import_records(std::move(set));
  std::ostringstream out;
  jsonl_writer writer(out);
  module.export_records([&](const record& row) { writer.write(row); });
  writer.flush();
  BOOST_CHECK_EQUAL(out.str(), lines);
  // The rows are there as given, soft deletion and derived fields included.
  const auto c = module.retrieve("cus_02", {.relations = {"addresses"}});
  BOOST_CHECK_EQUAL(*c.default_shipping_address_id, "cuaddr_01");
  BOOST_CHECK_THROW(module.retrieve("cus_01HZX3F5Q8M5T1V2W3X4Y5Z6A7"), customerdb::error);
}

BOOST_AUTO_TEST_SUITE_END()

// The JSON codec (server/src/json_codec.cpp) encoding DTOs, with select and relations.
#include <boost/test/unit_test.hpp>
#include <boost/json/serialize.hpp>

#include "server/support/json_codec_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::server;
using namespace customerdb::server::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(json_codec_encoding)

// ---- encoding --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(customer_round_trip_is_exact) {
  customer_module m{fixed_clock()};
  const auto input = parse(R"({"id": "cus_1", "email": "john@smith.com", "first_name": "John",
                               "last_name": "Smith", "metadata": {"n": {"a": [1, 2.5, true, null]},
                               "u": "日本"}})");
  const auto c = m.create(decode_input<create_customer_dto>(input, "params[0]"));
  BOOST_CHECK_EQUAL(
      json::serialize(encode(c)),
      R"({"id":"cus_1","email":"john@smith.com","first_name":"John","last_name":"Smith",)"
      R"("company_name":null,"phone":null,"has_account":false,)"
      R"("metadata":{"n":{"a":[1,2.5E0,true,null]},"u":"日本"},"created_by":null,)"
      R"("default_billing_address_id":null,"default_shipping_address_id":null,)"
      R"("created_at":"2024-05-24T10:00:00.000Z","updated_at":"2024-05-24T10:00:00.000Z",)"
      R"("deleted_at":null})");
  BOOST_CHECK(encode(c).at("metadata") == input.at("metadata"));

  // With addresses in the input the result carries them (D8).
  const auto with = m.create(decode_input<create_customer_dto>(
      parse(R"({"id": "cus_2", "addresses": [{"id": "addr_1", "is_default_billing": true}]})"),
      "p"));
  const auto o = encode(with);
  BOOST_CHECK_EQUAL(o.at("default_billing_address_id"), "addr_1");
  BOOST_REQUIRE(o.at("addresses").is_array());
  BOOST_CHECK_EQUAL(json::serialize(o.at("addresses").at(0)),
                    R"({"id":"addr_1","customer_id":"cus_2","address_name":null,)"
                    R"("is_default_shipping":false,"is_default_billing":true,"company":null,)"
                    R"("first_name":null,"last_name":null,"address_1":null,"address_2":null,)"
                    R"("city":null,"country_code":null,"province":null,"postal_code":null,)"
                    R"("phone":null,"metadata":null,"created_at":"2024-05-24T10:00:00.000Z",)"
                    R"("updated_at":"2024-05-24T10:00:00.000Z"})");

  m.soft_delete("cus_1");
  const auto deleted =
      m.retrieve("cus_1", decode_find_config(parse(R"({"withDeleted": true})"), "p"));
  BOOST_CHECK_EQUAL(encode(deleted).at("deleted_at"), "2024-05-24T10:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(select_and_relations_shape_the_output) {
  customer_module m{fixed_clock()};
  m.create({.id = "cus_1", .email = "a@b.c", .addresses = {{{.id = "addr_1", .city = "Oslo"}}}});
  m.create_customer_group({.id = "grp_1", .name = "VIP"});
  m.add_customer_to_group({.customer_id = "cus_1", .customer_group_id = "grp_1"});

  const auto plain = encode(m.retrieve("cus_1"));
  BOOST_CHECK(!plain.contains("groups"));
  BOOST_CHECK(!plain.contains("addresses"));

  const auto selected = m.retrieve(
      "cus_1", decode_find_config(parse(R"({"select": ["email"], "relations": ["groups"]})"), "p"));
  BOOST_CHECK_EQUAL(json::serialize(encode(selected)),
                    R"({"id":"cus_1","email":"a@b.c","groups":[{"id":"grp_1","name":"VIP",)"
                    R"("metadata":null,"created_by":null,"created_at":"2024-05-24T10:00:00.000Z",)"
                    R"("updated_at":"2024-05-24T10:00:00.000Z","deleted_at":null}]})");

  const auto group = m.retrieve_customer_group(
      "grp_1",
      decode_find_config(parse(R"({"select": ["name"], "relations": ["customers"]})"), "p"));
  const auto go = encode(group);
  BOOST_CHECK_EQUAL(go.size(), 3u);  // id, name, customers
  BOOST_CHECK_EQUAL(go.at("name"), "VIP");
  BOOST_CHECK_EQUAL(go.at("customers").at(0).at("email"), "a@b.c");

  const auto addresses = encode(m.list_addresses(
      {}, decode_find_config(parse(R"({"select": ["city"], "relations": ["customer"]})"), "p")));
  BOOST_REQUIRE_EQUAL(addresses.size(), 1u);
  BOOST_CHECK_EQUAL(addresses[0].at("id"), "addr_1");
  BOOST_CHECK_EQUAL(addresses[0].at("city"), "Oslo");
  // The customer_id key was not selected, so the customer is not returned (decision D22).
  BOOST_CHECK(!addresses[0].as_object().contains("customer_id"));
  BOOST_CHECK(!addresses[0].as_object().contains("customer"));
  const auto with_key = encode(m.list_addresses(
      {}, decode_find_config(
              parse(R"({"select": ["city", "customer_id"], "relations": ["customer"]})"), "p")));
  BOOST_CHECK_EQUAL(with_key[0].at("customer").at("id"), "cus_1");
  BOOST_CHECK(!encode(m.list_addresses()).at(0).as_object().contains("customer"));
  // A hidden customer is null, not left out.
  m.soft_delete("cus_1");
  BOOST_CHECK(
      encode(m.list_addresses({}, decode_find_config(parse(R"({"relations": ["customer"]})"), "p")))
          .at(0)
          .at("customer")
          .is_null());
  m.restore("cus_1");

  const auto members = encode(m.list_customer_group_customers(
      {}, decode_find_config(parse(R"({"relations": ["customer", "customer_group"]})"), "p")));
  BOOST_REQUIRE_EQUAL(members.size(), 1u);
  const auto& mo = members[0].as_object();
  BOOST_CHECK_EQUAL(mo.at("customer_id"), "cus_1");
  BOOST_CHECK_EQUAL(mo.at("customer_group_id"), "grp_1");
  BOOST_CHECK(mo.at("metadata").is_null());
  BOOST_CHECK(mo.at("created_by").is_null());
  BOOST_CHECK_EQUAL(mo.at("customer").at("id"), "cus_1");
  BOOST_CHECK_EQUAL(mo.at("customer_group").at("name"), "VIP");
  BOOST_CHECK(!encode(m.list_customer_group_customers()).at(0).as_object().contains("customer"));
}

BOOST_AUTO_TEST_CASE(lists_counts_and_linkable_ids) {
  customer_module m{fixed_clock()};
  m.create({{.id = "cus_1"}, {.id = "cus_2"}});
  const auto lc = encode(m.list_and_count({}, decode_find_config(parse(R"({"take": 1})"), "p")));
  BOOST_REQUIRE_EQUAL(lc.size(), 2u);
  BOOST_CHECK_EQUAL(lc[0].as_array().size(), 1u);
  BOOST_CHECK_EQUAL(lc[0].at(0).at("id"), "cus_1");
  BOOST_CHECK_EQUAL(json::serialize(lc[1]), "2");
  BOOST_CHECK_EQUAL(json::serialize(encode(m.list_and_count_customer_groups())), "[[],0]");
  BOOST_CHECK_EQUAL(json::serialize(encode(m.list_and_count_addresses())), "[[],0]");
  BOOST_CHECK_EQUAL(json::serialize(encode(m.list_customer_groups())), "[]");

  const auto keys = decode_string_array(parse(R"(["cus_1", "cus_2"])"), "params[0]");
  BOOST_CHECK_EQUAL(json::serialize(encode(m.soft_delete(keys))),
                    R"({"customer_id":["cus_1","cus_2"]})");
  BOOST_CHECK_EQUAL(json::serialize(encode(m.soft_delete(keys))), "{}");
  BOOST_CHECK_EQUAL(json::serialize(encode(m.restore(
                        keys, decode_soft_delete_config(
                                  parse(R"({"returnLinkableKeys": ["customer_id"]})"), "p")))),
                    R"({"customer_id":["cus_1","cus_2"]})");
}

BOOST_AUTO_TEST_SUITE_END()

// The JSON codec (server/src/json_codec.cpp) decoding inputs and find configs, checked by running
// them through a customer_module: every field, null told from absent, and the exact messages of
// wrong JSON types (naming the path) and unknown keys (the engine's).
#include <boost/test/unit_test.hpp>
#include <boost/json/serialize.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/support/json_codec_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::server;
using namespace customerdb::server::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(json_codec_inputs)

// ---- inputs ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(create_customer_decodes_every_field_and_addresses) {
  const auto d = decode_input<create_customer_dto>(parse(R"({
      "id": "cus_1", "email": "a@b.c", "first_name": "Ann", "last_name": null,
      "company_name": "Acme", "phone": "123", "has_account": true,
      "metadata": {"k": [1, {"x": "é"}]}, "created_by": "admin",
      "addresses": [{"address_name": "home", "is_default_shipping": true, "city": "Oslo",
                     "customer_id": "ignored", "metadata": null}]})"),
                                            "params[0]");
  BOOST_CHECK(d.id == "cus_1");
  BOOST_CHECK(d.email == "a@b.c");
  BOOST_CHECK(d.first_name == "Ann");
  BOOST_CHECK(!d.last_name);
  BOOST_CHECK(d.company_name == "Acme");
  BOOST_CHECK(d.phone == "123");
  BOOST_CHECK(d.has_account);
  BOOST_CHECK_EQUAL(json::serialize(*d.metadata), R"({"k":[1,{"x":"é"}]})");
  BOOST_CHECK(d.created_by == "admin");
  BOOST_REQUIRE(d.addresses && d.addresses->size() == 1);
  const auto& a = d.addresses->front();
  BOOST_CHECK(a.address_name == "home");
  BOOST_CHECK(a.is_default_shipping);
  BOOST_CHECK(!a.is_default_billing);
  BOOST_CHECK(a.city == "Oslo");
  BOOST_CHECK(a.customer_id == "ignored");
  BOOST_CHECK(!a.metadata);

  const auto empty = decode_input<create_customer_dto>(parse(R"({"addresses": null})"), "p");
  BOOST_CHECK(!empty.addresses);
  BOOST_CHECK(!empty.has_account);
  BOOST_CHECK(decode_input<create_customer_dto>(parse(R"({"addresses": []})"), "p").addresses->empty());
}

BOOST_AUTO_TEST_CASE(wrong_json_types_name_the_path) {
  BOOST_CHECK_EQUAL(
      codec_message([] { decode_input<create_customer_dto>(parse(R"({"email": 5})"), "params[0][1]"); }),
      "params[0][1].email must be a string or null");
  BOOST_CHECK_EQUAL(codec_message([] {
                      decode_input<create_customer_dto>(
                          parse(R"({"addresses": [{}, {"is_default_shipping": "yes"}]})"),
                          "params[0]");
                    }),
                    "params[0].addresses[1].is_default_shipping must be a boolean");
  BOOST_CHECK_EQUAL(
      codec_message([] { decode_input<create_customer_dto>(parse(R"({"addresses": {}})"), "params[0]"); }),
      "params[0].addresses must be an array or null");
  BOOST_CHECK_EQUAL(
      codec_message([] { decode_input<create_customer_dto>(parse(R"({"metadata": [1]})"), "params[0]"); }),
      "params[0].metadata must be an object or null");
  BOOST_CHECK_EQUAL(codec_message([] { decode_input<create_customer_dto>(parse("[]"), "params[0]"); }),
                    "params[0] must be an object");
  // Null in a non-nullable field is the engine's invalid_data (D11), as in update.
  BOOST_CHECK_EQUAL(engine_message([] {
                      decode_input<create_customer_dto>(parse(R"({"has_account": null})"), "params[0]");
                    }),
                    "invalid_data: You must pass a non-null value to the property has_account "
                    "of entity Customer.");
  BOOST_CHECK_EQUAL(engine_message([] {
                      decode_input<create_customer_address_dto>(parse(R"({"is_default_billing": null})"),
                                                         "params[0]");
                    }),
                    "invalid_data: You must pass a non-null value to the property "
                    "is_default_billing of entity Address.");
  BOOST_CHECK_EQUAL(codec_message([] {
                      decode_input<create_customer_dto>(parse(R"({"has_account": 1})"), "params[0]");
                    }),
                    "params[0].has_account must be a boolean");
  BOOST_CHECK_EQUAL(codec_message([] {
                      decode_input<customer_updatable_fields>(parse(R"({"has_account": 1})"), "params[1]");
                    }),
                    "params[1].has_account must be a boolean or null");
  BOOST_CHECK_EQUAL(codec_message([] {
                      decode_input<customer_group_updatable_fields>(parse(R"({"name": {}})"), "params[1]");
                    }),
                    "params[1].name must be a string or null");
  BOOST_CHECK_EQUAL(
      codec_message(
          [] { decode_input<create_customer_group_dto>(parse(R"({"metadata": "x"})"), "params[0][2]"); }),
      "params[0][2].metadata must be an object or null");
  BOOST_CHECK_EQUAL(codec_message([] {
                      decode_input<update_customer_address_dto>(parse(R"({"city": false})"), "params[1]");
                    }),
                    "params[1].city must be a string or null");
  BOOST_CHECK_EQUAL(codec_message([] {
                      decode_group_customer_pair(parse(R"({"customer_id": "c"})"), "params[0][3]");
                    }),
                    "params[0][3].customer_group_id must be a string");
  BOOST_CHECK_EQUAL(codec_message([] {
                      decode_group_customer_pair(
                          parse(R"({"customer_id": null, "customer_group_id": "g"})"), "params[0]");
                    }),
                    "params[0].customer_id must be a string");
  BOOST_CHECK_EQUAL(codec_message([] { decode_string_array(parse(R"(["a", 1])"), "params[0]"); }),
                    "params[0][1] must be a string");
}

BOOST_AUTO_TEST_CASE(unknown_input_keys_fail_with_the_engine_message) {
  BOOST_CHECK_EQUAL(engine_message([] {
                      decode_input<create_customer_dto>(parse(R"({"nickname": "x"})"), "params[0]");
                    }),
                    R"(invalid_data: Unknown field "nickname" for Customer)");
  BOOST_CHECK_EQUAL(engine_message([] {
                      decode_input<customer_updatable_fields>(parse(R"({"id": "x"})"), "params[1]");
                    }),
                    R"(invalid_data: Unknown field "id" for Customer)");
  BOOST_CHECK_EQUAL(engine_message([] {
                      decode_input<create_customer_dto>(parse(R"({"addresses": [{"street": "x"}]})"), "p");
                    }),
                    R"(invalid_data: Unknown field "street" for Address)");
  BOOST_CHECK_EQUAL(
      engine_message([] { decode_input<update_customer_address_dto>(parse(R"({"id": "x"})"), "p"); }),
      R"(invalid_data: Unknown field "id" for Address)");
  BOOST_CHECK_EQUAL(
      engine_message([] { decode_input<create_customer_group_dto>(parse(R"({"rank": 1})"), "p"); }),
      R"(invalid_data: Unknown field "rank" for CustomerGroup)");
  BOOST_CHECK_EQUAL(
      engine_message([] { decode_input<customer_group_updatable_fields>(parse(R"({"id": "g"})"), "p"); }),
      R"(invalid_data: Unknown field "id" for CustomerGroup)");
  BOOST_CHECK_EQUAL(
      engine_message([] {
        decode_group_customer_pair(
            parse(R"({"customer_id": "c", "customer_group_id": "g", "created_by": "x"})"), "p");
      }),
      R"(invalid_data: Unknown field "created_by" for CustomerGroupCustomer)");
}

BOOST_AUTO_TEST_CASE(patch_tells_null_from_absent) {
  const auto d = decode_input<customer_updatable_fields>(
      parse(R"({"first_name": "Jane", "phone": null, "metadata": {"a": 1}})"), "params[1]");
  BOOST_CHECK(d.first_name.has_value() && d.first_name.value() == "Jane");
  BOOST_CHECK(d.phone.is_null());
  BOOST_CHECK(d.last_name.is_unset());
  BOOST_CHECK(d.email.is_unset());
  BOOST_CHECK(d.has_account.is_unset());
  BOOST_CHECK(d.metadata.has_value() && d.metadata.value().at("a") == 1);
  BOOST_CHECK(
      decode_input<customer_updatable_fields>(parse(R"({"metadata": null})"), "p").metadata.is_null());

  // Applied through the engine: phone cleared, last name kept.
  customer_module m{fixed_clock()};
  m.create({.id = "cus_1", .first_name = "Ann", .last_name = "Lee", .phone = "1"});
  const auto c = m.update("cus_1", d);
  BOOST_CHECK(c.first_name == "Jane");
  BOOST_CHECK(c.last_name == "Lee");
  BOOST_CHECK(!c.phone);

  const auto g = decode_input<customer_group_updatable_fields>(parse(R"({"name": null})"), "p");
  BOOST_CHECK(g.name.is_null());
  BOOST_CHECK(g.created_by.is_unset());
}

BOOST_AUTO_TEST_CASE(null_in_non_nullable_fields_reaches_the_engine) {
  customer_module m{fixed_clock()};
  m.create({.id = "cus_1"});
  m.add_addresses({.id = "addr_1", .customer_id = "cus_1"});

  const auto d = decode_input<customer_updatable_fields>(parse(R"({"has_account": null})"), "p");
  BOOST_CHECK(d.has_account.is_null());
  BOOST_CHECK_EQUAL(engine_message([&] { m.update("cus_1", d); }),
                    "invalid_data: You must pass a non-null value to the property has_account of "
                    "entity Customer.");

  for (const char* field : {"is_default_shipping", "is_default_billing", "customer_id"}) {
    json::object o;
    o[field] = nullptr;
    const auto a = decode_input<update_customer_address_dto>(o, "p");
    BOOST_CHECK_EQUAL(engine_message([&] { m.update_addresses("addr_1", a); }),
                      std::string("invalid_data: You must pass a non-null value to the property ") +
                          field + " of entity Address.");
  }
}

BOOST_AUTO_TEST_CASE(create_address_and_pair_decode) {
  const auto a = decode_input<create_customer_address_dto>(
      parse(R"({"customer_id": "cus_1", "is_default_billing": true, "country_code": "DK",
                "postal_code": "2100", "phone": null})"),
      "params[0]");
  BOOST_CHECK(a.customer_id == "cus_1");
  BOOST_CHECK(a.is_default_billing);
  BOOST_CHECK(a.country_code == "DK");
  BOOST_CHECK(a.postal_code == "2100");
  BOOST_CHECK(!a.phone);

  const auto u = decode_input<update_customer_address_dto>(
      parse(R"({"is_default_shipping": false, "address_1": null})"), "p");
  BOOST_CHECK(u.is_default_shipping.has_value() && !u.is_default_shipping.value());
  BOOST_CHECK(u.address_1.is_null());
  BOOST_CHECK(u.customer_id.is_unset());

  const auto p =
      decode_group_customer_pair(parse(R"({"customer_group_id": "g", "customer_id": "c"})"), "p");
  BOOST_CHECK_EQUAL(p.customer_id, "c");
  BOOST_CHECK_EQUAL(p.customer_group_id, "g");
}

// ---- configs ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(find_config_decodes) {
  const auto c = decode_find_config(
      parse(R"({"select": ["id", "email"], "relations": ["groups"], "skip": 2, "take": 3,
                "order": {"email": "DESC", "id": "asc", "groups": {"name": "asc nulls first"},
                          "phone": " Desc  NULLS LAST "},
                "withDeleted": true})"),
      "params[1]");
  BOOST_CHECK((c.select == std::vector<std::string>{"id", "email"}));
  BOOST_CHECK((c.relations == std::vector<std::string>{"groups"}));
  BOOST_CHECK(c.skip == 2);
  BOOST_CHECK(c.take.has_value() && c.take.value() == 3);
  BOOST_REQUIRE_EQUAL(c.order.size(), 4u);
  BOOST_CHECK(c.order[0] == std::make_pair(std::string("email"), sort_direction::desc));
  BOOST_CHECK(c.order[1] == std::make_pair(std::string("id"), sort_direction::asc));
  BOOST_CHECK(c.order[2] ==
              std::make_pair(std::string("groups.name"), sort_direction::asc_nulls_first));
  BOOST_CHECK(c.order[3] == std::make_pair(std::string("phone"), sort_direction::desc_nulls_last));
  BOOST_CHECK(c.with_deleted);

  BOOST_CHECK(decode_find_config(parse(R"({"take": null})"), "p").take.is_null());
  BOOST_CHECK(decode_find_config(parse("{}"), "p").take.is_unset());
  BOOST_CHECK(decode_find_config(parse("null"), "p").take.is_unset());
  BOOST_CHECK(decode_find_config(parse(R"({"skip": null})"), "p").skip == std::nullopt);
  BOOST_CHECK(decode_find_config(parse(R"({"take": 2.0})"), "p").take.value() == 2);
  // Bounds are the engine's: a negative take goes through.
  BOOST_CHECK(decode_find_config(parse(R"({"take": -1})"), "p").take.value() == -1);

  // A fractional number is the engine's invalid_data (D12), as a negative one is; a value of
  // the wrong type is the codec's invalid_params, naming its path.
  const std::pair<std::string_view, std::string_view> engine_refused[] = {
      {R"({"take": 1.5})", "invalid_data: Invalid value for take: 1.5"},
      {R"({"skip": -0.5})", "invalid_data: Invalid value for skip: -0.5"},
      {R"({"order": {"email": "UP"}})",
       R"(invalid_data: Invalid order direction "UP" for "email": expected ASC or DESC, )"
       R"(optionally followed by NULLS FIRST or NULLS LAST)"},
  };
  // Named entries, not structured bindings, which clang 14 refuses to capture.
  for (const auto& refused : engine_refused)
    BOOST_CHECK_EQUAL(
        engine_message([&] { decode_find_config(parse(refused.first), "params[1]"); }),
        refused.second);
  const std::pair<std::string_view, std::string_view> codec_refused[] = {
      {R"({"take": "1"})", "params[1].take must be an integer or null"},
      {R"({"skip": "1"})", "params[1].skip must be an integer or null"},
      {R"({"order": {"email": 1}})",
       R"(params[1].order.email must be a direction ("ASC", "DESC", ...) or an object)"},
      {R"({"select": "email"})", "params[1].select must be an array of strings"},
      {R"({"relations": [1]})", "params[1].relations[0] must be a string"},
      {R"({"withDeleted": 1})", "params[1].withDeleted must be a boolean"},
      {R"({"limit": 1})",
       "params[1].limit is not a find config key (select, relations, skip, take, order, withDeleted)"},
      {"[]", "params[1] must be an object"},
  };
  for (const auto& refused : codec_refused)
    BOOST_CHECK_EQUAL(
        codec_message([&] { decode_find_config(parse(refused.first), "params[1]"); }),
        refused.second);

  const auto s =
      decode_soft_delete_config(parse(R"({"returnLinkableKeys": ["customer_id"]})"), "p");
  BOOST_CHECK((s.return_linkable_keys == std::vector<std::string>{"customer_id"}));
  BOOST_CHECK(!decode_soft_delete_config(parse("null"), "p").return_linkable_keys);
  BOOST_CHECK(!decode_soft_delete_config(parse("{}"), "p").return_linkable_keys);
  BOOST_CHECK_EQUAL(
      codec_message([] { decode_soft_delete_config(parse(R"({"x": 1})"), "params[1]"); }),
      "params[1].x is not a soft delete config key (returnLinkableKeys)");
}

BOOST_AUTO_TEST_CASE(find_config_drives_the_engine) {
  filter_fixture f;
  const auto page = f.m.list_and_count(
      {}, decode_find_config(parse(R"({"skip": 1, "take": 1, "order": {"email": "desc"}})"), "p"));
  BOOST_CHECK_EQUAL(ids(page.first), "b");
  BOOST_CHECK_EQUAL(page.second, 3u);
  BOOST_CHECK_EQUAL(ids(f.m.list({}, decode_find_config(parse(R"({"withDeleted": true})"), "p"))),
                    "a,b,c,d");
  // Paging bounds are the engine's rule.
  BOOST_CHECK_EQUAL(engine_message([&] {
                      f.m.list({}, decode_find_config(parse(R"({"take": -1})"), "p"));
                    }).rfind("invalid_data: ", 0),
                    0u);
}

BOOST_AUTO_TEST_SUITE_END()

// The operators on each field kind (text in byte order, like with wildcards and escapes counted
// in UTF-8 code points, booleans, timestamps and ISO strings, the time words, in and not-in with
// empty lists and null, wrong operand types) and $re: its ECMAScript syntax and its safety
// (decision D17; docs/protocol.md "Filters").
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/query_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using namespace std::chrono_literals;

}  // namespace

BOOST_AUTO_TEST_SUITE(field_operators)

namespace {

// Five customers, one second apart from t0:
//   anna   Anna / Zed,    anna@x.com, Acme,  555-0100, has_account
//   lower  anna / Young,  anna@y.com, 100%,  no phone
//   bob    Bob / null,    bob@x.com,  a_b,   555-0200
//   emile  Émile / Xavier, no e-mail, axb,   no phone
//   nofirst null / Back\slash, n@x.com, 1000, 555-0300
struct text_fixture : query_fixture {
  customer anna, lower, bob, emile, nofirst;
  text_fixture() {
    anna = m.create(dto{.email = "anna@x.com", .first_name = "Anna", .last_name = "Zed", .company_name = "Acme", .phone = "555-0100", .has_account = true});
    clock.advance(1s);
    lower = m.create(dto{.email = "anna@y.com", .first_name = "anna", .last_name = "Young", .company_name = "100%"});
    clock.advance(1s);
    bob = m.create(dto{.email = "bob@x.com", .first_name = "Bob", .company_name = "a_b", .phone = "555-0200"});
    clock.advance(1s);
    emile = m.create(dto{.first_name = "\xC3\x89mile", .last_name = "Xavier", .company_name = "axb"});
    clock.advance(1s);
    nofirst = m.create(dto{.email = "n@x.com", .last_name = "Back\\slash", .company_name = "1000", .phone = "555-0300"});
  }
  std::string all_five() const { return join({anna.id, lower.id, bob.id, emile.id, nofirst.id}); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(text_comparisons_use_byte_order, text_fixture) {
  // Byte order: "Anna" < "Bob" < "anna" < "Émile" (0xC3...); null never compares.
  BOOST_CHECK_EQUAL(found(where("first_name") == "Anna"), anna.id);
  BOOST_CHECK_EQUAL(found(where("first_name") != "Anna"), join({lower.id, bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("first_name") < "B"), anna.id);
  BOOST_CHECK_EQUAL(found(where("first_name") <= "Bob"), join({anna.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("first_name") > "Bob"), join({lower.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("first_name") >= "anna"), join({lower.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("first_name") < "a"), join({anna.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("first_name") > "z"), emile.id);
  BOOST_CHECK_EQUAL(found(where("first_name") >= ""), join({anna.id, lower.id, bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("first_name") < ""), "");
  BOOST_CHECK_EQUAL(found(where("first_name") > "Anna" && where("first_name") < "anna"), bob.id);
  BOOST_CHECK_EQUAL(found(!(where("first_name") < "B")), join({lower.id, bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").in({"anna", "\xC3\x89mile"})), join({lower.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").not_in({"anna"})), join({anna.id, bob.id, emile.id}));
  // Other text fields, other entities.
  BOOST_CHECK_EQUAL(found(where("company_name") >= "a"), join({bob.id, emile.id}));  // "Acme" < "a"
  BOOST_CHECK_EQUAL(found(where("phone") > "555-0100"), join({bob.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("email") <= "anna@y.com"), join({anna.id, lower.id}));
}

BOOST_FIXTURE_TEST_CASE(order_by_text_uses_byte_order, text_fixture) {
  using enum sort_direction;
  BOOST_CHECK_EQUAL(found({}, {.order = {{"first_name", asc}}}), join({anna.id, bob.id, lower.id, emile.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"first_name", desc}}}), join({nofirst.id, emile.id, lower.id, bob.id, anna.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"company_name", asc}}}), join({lower.id, nofirst.id, anna.id, bob.id, emile.id}));  // "100%" < "1000"
}

BOOST_FIXTURE_TEST_CASE(text_in_with_null, text_fixture) {
  // x IN (a, NULL) is true for a, unknown otherwise; x NOT IN (a, NULL) is never true.
  BOOST_CHECK_EQUAL(found(where("first_name").in({"Anna", nullptr})), anna.id);
  BOOST_CHECK_EQUAL(found(where("first_name").not_in({"Anna", nullptr})), "");
  BOOST_CHECK_EQUAL(found(!where("first_name").in({"Anna", nullptr})), "");
  BOOST_CHECK_EQUAL(found(!where("first_name").not_in({"Anna", nullptr})), anna.id);
  // A null list entry never matches a null column.
  BOOST_CHECK_EQUAL(found(where("first_name").in({nullptr})), "");
  BOOST_CHECK_EQUAL(found(where("email").in({"bob@x.com", nullptr}) || where("email") == nullptr),
                    join({bob.id, emile.id}));
}

BOOST_FIXTURE_TEST_CASE(text_in_and_not_in_with_empty_lists, text_fixture) {
  BOOST_CHECK_EQUAL(found(where("first_name").in({})), "");
  BOOST_CHECK_EQUAL(found(where("first_name").compare(filter_op::in, std::vector<value>{})), "");
  // NOT (x IN ()) and x NOT IN () are true for every row, null or not (MikroORM turns an empty
  // $nin into 1 = 1; SQL: NOT IN over an empty set is true).
  BOOST_CHECK_EQUAL(found(!where("first_name").in({})), all_five());
  BOOST_CHECK_EQUAL(found(where("first_name").not_in({})), all_five());
  BOOST_CHECK_EQUAL(found(where("first_name").not_in({}) && where("first_name") != nullptr),
                    join({anna.id, lower.id, bob.id, emile.id}));
  BOOST_CHECK_EQUAL(m.list_and_count(where("email").in({})).second, 0u);
}

BOOST_FIXTURE_TEST_CASE(exists_on_nullable_text, text_fixture) {
  BOOST_CHECK_EQUAL(found(where("phone").exists(true)), join({anna.id, bob.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("phone").exists()), join({anna.id, bob.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("phone").exists(false)), join({lower.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("last_name").exists(false)), bob.id);
  BOOST_CHECK_EQUAL(found(where("email").exists(false) || where("last_name").exists(false)),
                    join({bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(!where("phone").exists(true)), join({lower.id, emile.id}));
  // On non-nullable fields.
  BOOST_CHECK_EQUAL(found(where("id").exists(false)), "");
  BOOST_CHECK_EQUAL(found(where("created_at").exists(true)), all_five());
}

BOOST_FIXTURE_TEST_CASE(like_wildcards_and_escapes, text_fixture) {
  // Companies: Acme, 100%, a_b, axb, 1000.
  BOOST_CHECK_EQUAL(found(where("company_name").like("100%")), join({lower.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("company_name").like("100\\%")), lower.id);
  BOOST_CHECK_EQUAL(found(where("company_name").like("%\\%")), lower.id);
  BOOST_CHECK_EQUAL(found(where("company_name").like("a_b")), join({bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("company_name").like("a\\_b")), bob.id);
  BOOST_CHECK_EQUAL(found(where("company_name").like("a%b")), join({bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("company_name").like("%%b")), join({bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("company_name").like("____")), join({anna.id, lower.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("company_name").like("_")), "");
  BOOST_CHECK_EQUAL(found(where("company_name").like("Acme")), anna.id);  // no wildcard: equality
  BOOST_CHECK_EQUAL(found(where("company_name").like("acme")), "");
  BOOST_CHECK_EQUAL(found(where("company_name").ilike("ACME")), anna.id);
  BOOST_CHECK_EQUAL(found(where("company_name").ilike("A\\_B")), bob.id);
  // A backslash in the data: `\\` in the pattern is one literal backslash; `\s` is just `s`.
  BOOST_CHECK_EQUAL(found(where("last_name").like("Back\\\\slash")), nofirst.id);
  BOOST_CHECK_EQUAL(found(where("last_name").like("%\\\\%")), nofirst.id);
  BOOST_CHECK_EQUAL(found(where("last_name").like("Back\\slash")), "");
  // `%` alone matches every non-null value.
  BOOST_CHECK_EQUAL(found(where("first_name").like("%")), join({anna.id, lower.id, bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(!where("first_name").like("A%")), join({lower.id, bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").ilike("%NN%")), join({anna.id, lower.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").like("%nn%")), join({anna.id, lower.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").like("anna")), lower.id);
  BOOST_CHECK_EQUAL(found(where("first_name").ilike("anna")), join({anna.id, lower.id}));
}

BOOST_FIXTURE_TEST_CASE(like_counts_utf8_code_points, text_fixture) {
  // `_` is one code point: "É" is two bytes but one character.
  BOOST_CHECK_EQUAL(found(where("first_name").like("_mile")), emile.id);
  BOOST_CHECK_EQUAL(found(where("first_name").like("__mile")), "");
  BOOST_CHECK_EQUAL(found(where("first_name").like("_____")), emile.id);
  BOOST_CHECK_EQUAL(found(where("first_name").like("\xC3\x89%")), emile.id);
  BOOST_CHECK_EQUAL(found(where("first_name").like("\xC3\xA9mile")), "");  // é: case-sensitive
  BOOST_CHECK_EQUAL(found(where("first_name").ilike("\xC3\xA9mile")), emile.id);
  BOOST_CHECK_EQUAL(found(where("first_name").ilike("\xC3\xA9MILE")), emile.id);
  BOOST_CHECK_EQUAL(found(where("first_name").ilike("_MILE")), emile.id);
}

BOOST_FIXTURE_TEST_CASE(ilike_folds_greek_and_cyrillic, query_fixture) {
  const auto athens = m.create(dto{.company_name = "\xCE\x91\xCE\x98\xCE\x97\xCE\x9D\xCE\x91"});  // ΑΘΗΝΑ
  const auto moscow = m.create(dto{.company_name = "\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90"});  // МОСКВА
  BOOST_CHECK_EQUAL(found(where("company_name").ilike("\xCE\xB1\xCE\xB8\xCE\xB7\xCE\xBD\xCE\xB1")), athens.id);  // αθηνα
  BOOST_CHECK_EQUAL(found(where("company_name").like("\xCE\xB1\xCE\xB8\xCE\xB7\xCE\xBD\xCE\xB1")), "");
  BOOST_CHECK_EQUAL(found(where("company_name").ilike("\xD0\xBC\xD0\xBE\xD1\x81%")), moscow.id);  // мос%
  BOOST_CHECK_EQUAL(found(where("company_name").ilike("______")), moscow.id);
}

BOOST_FIXTURE_TEST_CASE(boolean_operators, text_fixture) {
  BOOST_CHECK_EQUAL(found(where("has_account") != true), join({lower.id, bob.id, emile.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("has_account") != false), anna.id);
  BOOST_CHECK_EQUAL(found(where("has_account").in({true, false})), all_five());
  BOOST_CHECK_EQUAL(found(where("has_account").in({true})), anna.id);
  BOOST_CHECK_EQUAL(found(where("has_account").not_in({true})), join({lower.id, bob.id, emile.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("has_account").not_in({true, false})), "");
  // false < true.
  BOOST_CHECK_EQUAL(found(where("has_account") > false), anna.id);
  BOOST_CHECK_EQUAL(found(where("has_account") < true), join({lower.id, bob.id, emile.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("has_account") >= false), all_five());
  BOOST_CHECK_EQUAL(found(where("has_account") <= false), join({lower.id, bob.id, emile.id, nofirst.id}));
  // Not nullable.
  BOOST_CHECK_EQUAL(found(where("has_account") == nullptr), "");
  BOOST_CHECK_EQUAL(found(where("has_account") != nullptr), all_five());
  BOOST_CHECK_EQUAL(found(where("has_account").exists(false)), "");
  BOOST_CHECK_EQUAL(found(!(where("has_account") == false)), anna.id);
  // A string operand reads as PostgreSQL's boolean input reads it (probed with 2.21.2:
  // `{"has_account": "false"}` matches), white space and any case included.
  BOOST_CHECK_EQUAL(found(where("has_account") == "false"), join({lower.id, bob.id, emile.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("has_account") == " YES "), anna.id);
  BOOST_CHECK_EQUAL(found(where("has_account").in({"t", "off"})), all_five());
  BOOST_CHECK_EQUAL(found(where("has_account") > "0"), anna.id);
}

BOOST_FIXTURE_TEST_CASE(address_boolean_operators, text_fixture) {
  const auto a1 = m.add_addresses(address_dto{.customer_id = anna.id, .is_default_shipping = true});
  const auto a2 = m.add_addresses(address_dto{.customer_id = anna.id});
  const auto a3 = m.add_addresses(address_dto{.customer_id = bob.id, .is_default_shipping = true, .is_default_billing = true});
  BOOST_CHECK_EQUAL(addresses(where("is_default_shipping") == true), join({a1.id, a3.id}));
  BOOST_CHECK_EQUAL(addresses(where("is_default_shipping") != true), a2.id);
  BOOST_CHECK_EQUAL(addresses(where("is_default_shipping").in({false})), a2.id);
  BOOST_CHECK_EQUAL(addresses(where("is_default_shipping").not_in({false})), join({a1.id, a3.id}));
  BOOST_CHECK_EQUAL(addresses(where("is_default_billing") == false), join({a1.id, a2.id}));
  BOOST_CHECK_EQUAL(addresses(where("is_default_shipping") == true && where("is_default_billing") == true), a3.id);
  BOOST_CHECK_EQUAL(addresses(where("is_default_shipping") == nullptr), "");
  // Through the relation, and the derived default ids (D9).
  BOOST_CHECK_EQUAL(found(where("addresses").matches(where("is_default_billing") == true)), bob.id);
  BOOST_CHECK_EQUAL(found(where("default_shipping_address_id").in({a1.id, a3.id})), join({anna.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("default_billing_address_id") != nullptr), bob.id);
  // A string reads as PostgreSQL reads a boolean literal, as in Medusa's query.
  BOOST_CHECK_EQUAL(addresses(where("is_default_shipping") == "true"), join({a1.id, a3.id}));
  CUSTOMERDB_CHECK_ERROR(m.list_addresses(where("is_default_shipping") == "truth"), error_code::invalid_data,
                         R"(Invalid value for field "is_default_shipping" of Address: expected a boolean, a string that reads as one, or null)");
}

BOOST_FIXTURE_TEST_CASE(timestamp_operators_and_iso_strings, text_fixture) {
  // created_at: anna t0, lower +1s, bob +2s, emile +3s, nofirst +4s.
  BOOST_CHECK_EQUAL(found(where("created_at") == "2024-05-24T05:00:01-05:00"), lower.id);
  BOOST_CHECK_EQUAL(found(where("created_at") == "2024-05-24T12:00:02+0200"), bob.id);
  BOOST_CHECK_EQUAL(found(where("created_at") == "2024-05-24T10:00:04Z"), nofirst.id);
  BOOST_CHECK_EQUAL(found(where("created_at") == "2024-05-24T10:00:03.000000Z"), emile.id);
  BOOST_CHECK_EQUAL(found(where("created_at") == "2024-05-24"), "");  // midnight
  BOOST_CHECK_EQUAL(found(where("created_at") >= "2024-05-24"), all_five());
  BOOST_CHECK_EQUAL(found(where("created_at") < "2024-05-24"), "");
  BOOST_CHECK_EQUAL(found(where("created_at") > "2024-05-24T10:00:00.999Z"),
                    join({lower.id, bob.id, emile.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") == t0 + 1500ms), "");
  BOOST_CHECK_EQUAL(found(where("created_at") != t0 + 1s), join({anna.id, bob.id, emile.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("created_at").in({t0, "2024-05-24T10:00:02.000Z"})), join({anna.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("created_at").not_in({t0, "2024-05-24T11:00:03+01:00"})),
                    join({lower.id, bob.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") >= t0 + 1s && where("created_at") <= "2024-05-24T10:00:03Z"),
                    join({lower.id, bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") < "2024-05-24T06:00:01-04:00"), anna.id);
  BOOST_CHECK_EQUAL(found(where("created_at") == nullptr), "");
  BOOST_CHECK_EQUAL(found(where("created_at") != nullptr), all_five());
  // updated_at moves on update; deleted_at on soft delete.
  clock.set(t0 + 1h);
  m.update(bob.id, {.last_name = "Builder"});
  BOOST_CHECK_EQUAL(found(where("updated_at") >= "2024-05-24T11:00:00Z"), bob.id);
  BOOST_CHECK_EQUAL(found(where("updated_at") < t0 + 1h), join({anna.id, lower.id, emile.id, nofirst.id}));
  m.soft_delete(emile.id);
  BOOST_CHECK_EQUAL(found(where("deleted_at") == "2024-05-24T11:00:00.000Z"), emile.id);
  BOOST_CHECK_EQUAL(found(where("deleted_at") > t0), emile.id);
  BOOST_CHECK_EQUAL(found(where("deleted_at") < t0), "");
  BOOST_CHECK_EQUAL(found(where("created_at") >= t0 + 3s), nofirst.id);  // emile is hidden
}

// The words PostgreSQL reads by the current time, as Medusa's database does (probed with 2.21.2:
// `{"created_at": {"$gt": "yesterday"}}`, `"today 10:00"`, `"yesterday Z"` all match a row made
// a moment before): `now` is the call's time by the module's clock, `today`, `tomorrow` and
// `yesterday` a UTC day of it, followed by a time and zone as a date is.
BOOST_FIXTURE_TEST_CASE(time_words_read_by_the_call_time, text_fixture) {
  // created_at: anna t0 (2024-05-24T10:00Z), lower +1s, bob +2s, emile +3s, nofirst +4s.
  clock.set(t0 + 2s);
  BOOST_CHECK_EQUAL(found(where("created_at") < "now"), join({anna.id, lower.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") <= " NOW "), join({anna.id, lower.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") > "today"), all_five());
  BOOST_CHECK_EQUAL(found(where("created_at") < "tomorrow"), all_five());
  BOOST_CHECK_EQUAL(found(where("created_at") < "Yesterday"), "");
  BOOST_CHECK_EQUAL(found(where("created_at") > "today 10:00:01"), join({bob.id, emile.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") > "today 12:00:01+02"), join({bob.id, emile.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") >= "yesterday Z"), all_five());
  // The next day, the same words name other days.
  clock.set(t0 + 24h);
  BOOST_CHECK_EQUAL(found(where("created_at") > "today"), "");
  BOOST_CHECK_EQUAL(found(where("created_at").in({"yesterday 10:00:03"})), emile.id);
  // A word is a whole word.
  CUSTOMERDB_CHECK_ERROR(m.list(where("created_at") > "todays"), error_code::invalid_data,
                         R"(Invalid value for field "created_at" of Customer: expected a timestamp or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("created_at") > "todayT10:00"), error_code::invalid_data,
                         R"(Invalid value for field "created_at" of Customer: expected a timestamp or null)");
}

BOOST_FIXTURE_TEST_CASE(wrong_operand_types_fail, text_fixture) {
  CUSTOMERDB_CHECK_ERROR(m.list(where("email") == true), error_code::invalid_data,
                         R"(Invalid value for field "email" of Customer: expected a string or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("email") == std::int64_t{5}), error_code::invalid_data,
                         R"(Invalid value for field "email" of Customer: expected a string or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("email") > 1.5), error_code::invalid_data,
                         R"(Invalid value for field "email" of Customer: expected a string or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("email") == t0), error_code::invalid_data,
                         R"(Invalid value for field "email" of Customer: expected a string or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("first_name").in({"Anna", true})), error_code::invalid_data,
                         R"(Invalid value for field "first_name" of Customer: expected a string or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("has_account") == "maybe"), error_code::invalid_data,
                         R"(Invalid value for field "has_account" of Customer: expected a boolean, a string that reads as one, or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("has_account") == std::int64_t{1}), error_code::invalid_data,
                         R"(Invalid value for field "has_account" of Customer: expected a boolean, a string that reads as one, or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("created_at") == "now 10:00"), error_code::invalid_data,
                         R"(Invalid value for field "created_at" of Customer: expected a timestamp or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("created_at") > "2024-13-01"), error_code::invalid_data,
                         R"(Invalid value for field "created_at" of Customer: expected a timestamp or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("created_at").in({t0, "soon"})), error_code::invalid_data,
                         R"(Invalid value for field "created_at" of Customer: expected a timestamp or null)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("created_at") == true), error_code::invalid_data,
                         R"(Invalid value for field "created_at" of Customer: expected a timestamp or null)");
  CUSTOMERDB_CHECK_ERROR(m.list_customer_groups(where("name") == true), error_code::invalid_data,
                         R"(Invalid value for field "name" of CustomerGroup: expected a string or null)");
  // Pattern operators need a text field.
  CUSTOMERDB_CHECK_ERROR(m.list(where("has_account").like("t%")), error_code::invalid_data,
                         R"(Invalid value for field "has_account" of Customer: expected a string pattern on a text field)");
  CUSTOMERDB_CHECK_ERROR(m.list(where("created_at").matches_regex("2024")), error_code::invalid_data,
                         R"(Invalid value for field "created_at" of Customer: expected a string pattern on a text field)");
  // Operand shapes.
  CUSTOMERDB_CHECK_ERROR(m.list(where("email").compare(filter_op::in, value{"a@x.com"})), error_code::invalid_data,
                         R"(Invalid value for field "email" of Customer: expected a list)");
  CUSTOMERDB_CHECK_ERROR(
      m.list(where("email").compare(filter_op::eq, std::vector<value>{"a@x.com"})),
      error_code::invalid_data,
      R"(Invalid value for field "email" of Customer: expected a single value)");
  // A bad operand in a selector changes nothing, even nested under OR.
  CUSTOMERDB_CHECK_ERROR(m.update(where("first_name") == "Anna" || where("has_account") == "maybe", {.last_name = "Q"}),
                         error_code::invalid_data,
                         R"(Invalid value for field "has_account" of Customer: expected a boolean, a string that reads as one, or null)");
  BOOST_CHECK_EQUAL(found(where("last_name") == "Q"), "");
}

// ==== 3. $re (D17) ===========================================================================

BOOST_FIXTURE_TEST_CASE(regex_ecmascript_syntax, text_fixture) {
  BOOST_CHECK_EQUAL(found(where("first_name").matches_regex("^[A-Z]")), join({anna.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").matches_regex("^[a-z]")), lower.id);
  BOOST_CHECK_EQUAL(found(where("first_name").matches_regex("nn")), join({anna.id, lower.id}));  // a search
  BOOST_CHECK_EQUAL(found(where("first_name").matches_regex("^(Anna|Bob)$")), join({anna.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").matches_regex("b")), bob.id);
  BOOST_CHECK_EQUAL(found(where("first_name").matches_regex("^(?=A)")), anna.id);  // lookahead
  BOOST_CHECK_EQUAL(found(where("phone").matches_regex("^555-0[12]00$")), join({anna.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("phone").matches_regex("\\d{4}$")), join({anna.id, bob.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("email").matches_regex("@x\\.com$")), join({anna.id, bob.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("company_name").matches_regex("^\\d+%?$")), join({lower.id, nofirst.id}));
  BOOST_CHECK_EQUAL(found(where("last_name").matches_regex("\\\\")), nofirst.id);
  // Null never matches, and NOT of unknown is unknown.
  BOOST_CHECK_EQUAL(found(!where("first_name").matches_regex("^A")), join({lower.id, bob.id, emile.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").compare(filter_op::re, value{"^B"})), bob.id);
  BOOST_CHECK_EQUAL(groups(where("name").matches_regex("x")), "");
}

BOOST_FIXTURE_TEST_CASE(invalid_regex_fails, text_fixture) {
  check_error_prefix([&] { return m.list(where("first_name").matches_regex("(")); }, error_code::invalid_data,
                     R"(Invalid regular expression "(":)");
  check_error_prefix([&] { return m.list(where("first_name").matches_regex("[a-")); }, error_code::invalid_data,
                     R"(Invalid regular expression "[a-":)");
  check_error_prefix([&] { return m.list_and_count(where("email").matches_regex("a{2,1}")); },
                     error_code::invalid_data, R"(Invalid regular expression "a{2,1}":)");
  check_error_prefix([&] { return m.update(where("email").matches_regex("("), {.last_name = "Q"}); },
                     error_code::invalid_data, R"(Invalid regular expression "(":)");
  BOOST_CHECK_EQUAL(found(where("last_name") == "Q"), "");
}

namespace {

struct regex_outcome {
  bool finished = false;
  std::optional<std::string> error_code_name;
  std::string message;
  std::string ids;
  std::chrono::milliseconds elapsed{};
};

// Runs list(where(field).matches_regex(pattern)) on another thread and waits at most `limit`.
// When it does not finish in time, the thread is left running (it holds the module).
regex_outcome run_regex(std::shared_ptr<customer_module> m, std::string field, std::string pattern,
                        std::chrono::milliseconds limit) {
  auto promise = std::make_shared<std::promise<regex_outcome>>();
  auto future = promise->get_future();
  const auto start = std::chrono::steady_clock::now();
  std::thread([m, field, pattern, promise, start] {
    regex_outcome out;
    out.finished = true;
    try {
      out.ids = join(ids_of(m->list(where(field).matches_regex(pattern))));
    } catch (const error& e) {
      out.error_code_name = std::string(to_string(e.code()));
      out.message = e.what();
    } catch (const std::exception& e) {
      out.error_code_name = "std::exception";
      out.message = e.what();
    }
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    promise->set_value(std::move(out));
  }).detach();
  if (future.wait_for(limit) != std::future_status::ready) return regex_outcome{};
  return future.get();
}

void check_too_expensive(const std::shared_ptr<customer_module>& m, const std::string& field,
                         const std::string& pattern) {
  const auto out = run_regex(m, field, pattern, 30s);
  BOOST_REQUIRE_MESSAGE(out.finished, "regex \"" << pattern << "\" did not return within 30 s (hangs)");
  BOOST_CHECK_MESSAGE(out.elapsed <= 2s, "regex \"" << pattern << "\" took " << out.elapsed.count() << " ms");
  BOOST_CHECK_EQUAL(out.error_code_name.value_or("<no error, matched: " + out.ids + ">"), "invalid_data");
  BOOST_CHECK_EQUAL(out.message, "Regular expression \"" + pattern + "\" is too expensive to run");
}

}  // namespace

BOOST_AUTO_TEST_CASE(pathological_regex_fails_quickly) {
  auto m = std::make_shared<customer_module>();
  m->create(dto{.first_name = "Ann"});
  m->create(dto{.first_name = std::string(5000, 'a')});
  m->create(dto{.first_name = std::string(5000, 'a') + "!"});
  check_too_expensive(m, "first_name", "(a|aa)+b");
  check_too_expensive(m, "first_name", "(a+)+$");
  check_too_expensive(m, "first_name", "^(a|a?)+$");
  // The module still answers afterwards.
  BOOST_CHECK_EQUAL(m->list(where("first_name").matches_regex("^Ann$")).size(), 1u);
}

BOOST_AUTO_TEST_SUITE_END()

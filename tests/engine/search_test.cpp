// q (search): case folding (Latin-1, Greek, Cyrillic and the other documented capitals), its
// three-valued logic, where it is refused (below the top level), in update and delete selectors,
// and on addresses and groups (decision D16; docs/medusa-compatibility.md).
#include <boost/test/unit_test.hpp>

#include <string>

#include "support/query_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(q_search)

namespace {

struct search_fixture : query_fixture {
  customer ecole, ecole_lower, athens, moscow, lodz, yolka, doe;
  search_fixture() {
    ecole = m.create(dto{.first_name = "\xC3\x89" "COLE", .last_name = "Durand"});  // ÉCOLE
    ecole_lower = m.create(dto{.company_name = "petite \xC3\xA9" "cole"});          // petite école
    athens = m.create(dto{.company_name = "\xCE\x91\xCE\x98\xCE\x97\xCE\x9D\xCE\x91"});  // ΑΘΗΝΑ
    moscow = m.create(dto{.last_name = "\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90"});  // МОСКВА
    lodz = m.create(dto{.email = "\xC5\x81\xC3\x93" "D\xC5\xB9@x.com"});  // ŁÓDŹ@x.com
    yolka = m.create(dto{.first_name = "\xD0\x81\xD0\xBB\xD0\xBA\xD0\xB0"});  // Ёлка
    doe = m.create(dto{.email = "john@doe.com", .first_name = "John", .last_name = "Doe", .company_name = "a_b 100%", .phone = "1"});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(search_folds_latin1_greek_cyrillic, search_fixture) {
  BOOST_CHECK_EQUAL(found(search("\xC3\xA9" "cole")), join({ecole.id, ecole_lower.id}));  // école
  BOOST_CHECK_EQUAL(found(search("\xC3\x89" "COLE")), join({ecole.id, ecole_lower.id}));  // ÉCOLE
  BOOST_CHECK_EQUAL(found(search("cole")), join({ecole.id, ecole_lower.id}));  // ASCII needle
  BOOST_CHECK_EQUAL(found(search("\xCE\xB1\xCE\xB8\xCE\xB7\xCE\xBD\xCE\xB1")), athens.id);  // αθηνα
  BOOST_CHECK_EQUAL(found(search("\xCE\x98\xCE\xB7")), athens.id);  // Θη
  BOOST_CHECK_EQUAL(found(search("\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0")), moscow.id);  // москва
  BOOST_CHECK_EQUAL(found(search("\xD0\x9A\xD0\xB2")), moscow.id);  // Кв
  BOOST_CHECK_EQUAL(found(search("\xC5\x82\xC3\xB3" "d\xC5\xBA")), lodz.id);  // łódź (Latin Ext-A)
  BOOST_CHECK_EQUAL(found(search("\xD1\x91\xD0\xBB")), yolka.id);  // ёл (Ё is U+0401)
  BOOST_CHECK_EQUAL(found(search("\xC3\xA9" "cole") && where("last_name") == "Durand"), ecole.id);
  BOOST_CHECK_EQUAL(m.list_and_count(search("COLE")).second, 2u);
  // Not a wildcard, not a fold of different letters.
  BOOST_CHECK_EQUAL(found(search("ecole")), "");
  BOOST_CHECK_EQUAL(found(search("_cole")), "");
  BOOST_CHECK_EQUAL(found(search("a_b 100%")), doe.id);
  BOOST_CHECK_EQUAL(found(search("A_B 100%")), doe.id);
}

// Ÿ (U+0178) is a Latin Extended-A capital whose lower case is ÿ (U+00FF); accented Greek
// capitals (Ά U+0386) and Ґ (U+0490) are Greek / Cyrillic capitals too
// (docs/medusa-compatibility.md "Case folding").
BOOST_FIXTURE_TEST_CASE(search_folds_other_documented_capitals, query_fixture) {
  const auto yves = m.create(dto{.first_name = "\xC5\xB8VES"});                 // ŸVES
  const auto anna = m.create(dto{.first_name = "\xCE\x86\xCE\x9D\xCE\x9D\xCE\x91"});  // ΆΝΝΑ
  const auto ganok = m.create(dto{.first_name = "\xD2\x90\xD0\x90\xD0\x9D\xD0\x9E\xD0\x9A"});  // ҐАНОК
  BOOST_CHECK_EQUAL(found(search("\xC3\xBFves")), yves.id);  // ÿves
  BOOST_CHECK_EQUAL(found(where("first_name").ilike("\xC3\xBF%")), yves.id);
  BOOST_CHECK_EQUAL(found(search("\xCE\xAC\xCE\xBD\xCE\xBD\xCE\xB1")), anna.id);  // άννα
  BOOST_CHECK_EQUAL(found(search("\xD2\x91\xD0\xB0\xD0\xBD")), ganok.id);  // ґан
}

BOOST_FIXTURE_TEST_CASE(search_is_three_valued, search_fixture) {
  // OR of ILIKEs over the searchable fields: a row with a null searchable field and no match is
  // unknown.
  BOOST_CHECK_EQUAL(found(search("zzz")), "");
  BOOST_CHECK_EQUAL(found(search("zzz") && where("email") != nullptr), "");
}

// q is accepted only among the top-level conditions of a filter (decision D27).
BOOST_FIXTURE_TEST_CASE(search_below_the_top_level_is_refused, search_fixture) {
  const std::string message = R"(Filter key "q" is accepted only at the top level of a filter of Customer)";
  CUSTOMERDB_CHECK_ERROR(m.list(search("durand") || search("x")), error_code::invalid_data, message);
  CUSTOMERDB_CHECK_ERROR(m.list(filter::all_of({search("durand")})), error_code::invalid_data, message);
  CUSTOMERDB_CHECK_ERROR(m.list(!search("zzz") && where("email") == nullptr), error_code::invalid_data,
                         message);
  CUSTOMERDB_CHECK_ERROR(m.list_addresses(where("customer").matches(search("x"))), error_code::invalid_data,
                         R"(Filter key "q" is accepted only at the top level of a filter of Address)");
  CUSTOMERDB_CHECK_ERROR(m.update(search("x") || where("email") == "a", {.phone = "1"}),
                         error_code::invalid_data, message);
}

BOOST_FIXTURE_TEST_CASE(search_in_update_and_delete_selectors, search_fixture) {
  const auto updated = m.update(search("\xC3\xA9" "cole"), {.created_by = "folded"});
  BOOST_CHECK_EQUAL(join(ids_of(updated)), join({ecole.id, ecole_lower.id}));
  BOOST_CHECK_EQUAL(found(where("created_by") == "folded"), join({ecole.id, ecole_lower.id}));
  // `_` is literal in a selector too: "a_b" does not hit anything else.
  m.create(dto{.company_name = "axb"});
  BOOST_CHECK_EQUAL(join(ids_of(m.update(search("a_b"), {.phone = "2"}))), doe.id);
  BOOST_CHECK_EQUAL(found(where("phone") == "2"), doe.id);
  BOOST_CHECK(m.update(search("nothing at all"), {.phone = "3"}).empty());
  BOOST_CHECK_EQUAL(found(where("phone") == "3"), "");
  // Combined with another condition.
  BOOST_CHECK_EQUAL(join(ids_of(m.update(search("cole") && where("company_name") != nullptr, {.phone = "4"}))),
                    ecole_lower.id);
  // Delete selectors refuse q, so that no q can delete every row (decision D27).
  const auto before = m.list_and_count().second;
  CUSTOMERDB_CHECK_ERROR(m.delete_customers(search("")), error_code::invalid_data,
                         R"(Filter key "q" is not accepted in a selector that deletes Customer)");
  CUSTOMERDB_CHECK_ERROR(m.delete_customers(search("zzz") && where("email") == nullptr),
                         error_code::invalid_data,
                         R"(Filter key "q" is not accepted in a selector that deletes Customer)");
  BOOST_CHECK_EQUAL(m.list_and_count().second, before);
}

BOOST_FIXTURE_TEST_CASE(search_on_addresses_and_groups, query_fixture) {
  const auto c = m.create(dto{.email = "c@x.com"});
  const auto g = m.create(dto{.email = "g@x.com"});
  const auto a1 = m.add_addresses(address_dto{.customer_id = c.id, .city = "PARIS", .country_code = "fr"});
  const auto a2 = m.add_addresses(address_dto{.customer_id = c.id, .address_1 = "Rue de Paris", .phone = "555"});
  const auto a3 = m.add_addresses(address_dto{.customer_id = g.id, .province = "\xC3\x8E" "le-de-France"});  // Île
  BOOST_CHECK_EQUAL(addresses(search("paris")), join({a1.id, a2.id}));
  BOOST_CHECK_EQUAL(addresses(search("\xC3\xAE" "le")), a3.id);  // île
  BOOST_CHECK_EQUAL(addresses(search("fr")), a3.id);  // country_code is not searchable
  BOOST_CHECK_EQUAL(addresses(search("555")), "");    // nor is phone
  BOOST_CHECK_EQUAL(addresses(search("paris") && where("city") == nullptr), a2.id);
  BOOST_CHECK_EQUAL(join(ids_of(m.update_addresses(search("PARIS"), {.postal_code = "75000"}))), join({a1.id, a2.id}));
  CUSTOMERDB_CHECK_ERROR(m.delete_addresses(search("75000")), error_code::invalid_data,
                         R"(Filter key "q" is not accepted in a selector that deletes Address)");
  m.delete_addresses(where("postal_code") == "75000");
  BOOST_CHECK_EQUAL(addresses({}), a3.id);
  const auto elite = m.create_customer_group(group_dto{.name = "\xC3\x89LITE"});  // ÉLITE
  m.create_customer_group(group_dto{.name = "Other"});
  BOOST_CHECK_EQUAL(groups(search("\xC3\xA9lite")), elite.id);
  BOOST_CHECK_EQUAL(join(ids_of(m.update_customer_groups(search("\xC3\xA9lite"), {.created_by = "x"}))), elite.id);
  CUSTOMERDB_CHECK_ERROR(m.delete_customer_groups(search("OTHER")), error_code::invalid_data,
                         R"(Filter key "q" is not accepted in a selector that deletes CustomerGroup)");
  m.delete_customer_groups(where("name") == "Other");
  BOOST_CHECK_EQUAL(groups({}), elite.id);
}

BOOST_AUTO_TEST_SUITE_END()

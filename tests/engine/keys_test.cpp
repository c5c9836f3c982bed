// detail::key, the index keys kept inline in the table nodes (engine/src/keys.hpp): its order
// and equality must be exactly std::string's for any text, inline or longer than the inline
// part, with embedded NULs and bytes above 0x7F; and ids longer than the inline part, sharing
// long prefixes, must work through the public API. detail::hashed_key, the keys that refer to
// their row's text: equal to a key exactly when the texts are, with the same hash, and kept
// pointing at the current row when a row is replaced by one with the same keys.
#include "keys.hpp"
#include "tables.hpp"

#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <random>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using customerdb::detail::hashed_key;
using customerdb::detail::key;
using customerdb::detail::key_equal;
using customerdb::detail::key_hash;

// Texts around the inline size (a long key's head is shorter: it ends with the pointer to the
// whole text), from a small alphabet so that long common prefixes, equal texts and prefixes of
// one another are frequent.
std::vector<std::string> texts(unsigned seed, int n) {
  std::mt19937 rng(seed);
  const std::string alphabet("ab\0\xff", 4);
  // Texts that differ only by trailing NULs (the inline part is zero-padded), at and around
  // the inline size.
  const std::string nul(1, '\0');
  const std::string full(key::inline_size, 'a');
  std::vector<std::string> out{"",   nul,        "x",        "x" + nul,           "x" + nul + nul,
                               full, full + nul, full + "a", full.substr(1) + nul};
  for (int i = 0; i < n; ++i) {
    std::string s(key::inline_size - 3 + rng() % 8, 'a');
    // Every other text keeps the first bytes of the head of a long key as they are, so that
    // long and inline texts often tie there and differ in the bytes after.
    const std::size_t first = i % 2 == 0 ? 0 : key::long_head_size - 2;
    for (std::size_t k = first; k < s.size(); ++k)
      if (rng() % 4 == 0) s[k] = alphabet[rng() % alphabet.size()];
    out.push_back(s);
  }
  return out;
}

BOOST_AUTO_TEST_CASE(order_and_equality_are_those_of_the_texts) {
  const auto all = texts(3, 400);
  int checked = 0;
  for (const auto& a : all) {
    const key ka = key::stored(a);  // kept keys and probes compare alike
    BOOST_TEST(ka.view() == a);
    BOOST_TEST(ka.text() == a);
    for (const auto& b : all) {
      const key kb(b);
      if ((ka < kb) != (a < b) || (ka == kb) != (a == b)) {
        BOOST_TEST_INFO("a=" << a.size() << " bytes, b=" << b.size() << " bytes");
        BOOST_TEST(false);
      }
      ++checked;
    }
  }
  BOOST_TEST(checked == 409 * 409);
}

BOOST_AUTO_TEST_CASE(stored_keys_keep_their_own_text) {
  std::string text(key::inline_size + 10, 'k');
  text.back() = 'z';
  const std::string original = text;
  key stored = key::stored(text);
  const key probe(original);
  text.assign(text.size(), '?');  // the source changes: a stored key does not see it
  BOOST_TEST(stored.text() == original);
  BOOST_TEST((stored == probe));
  key copy = stored;
  key moved = std::move(stored);
  BOOST_TEST(copy.text() == original);
  BOOST_TEST(moved.text() == original);
  BOOST_TEST((copy == moved));
  copy = key::stored("short");  // a copy and its source own separate texts
  BOOST_TEST(moved.text() == original);
  moved = copy;
  BOOST_TEST(moved.text() == "short");
  BOOST_TEST((probe < moved) == (original < std::string("short")));
}

BOOST_AUTO_TEST_CASE(hashed_keys_match_keys_of_the_same_text) {
  const auto all = texts(5, 60);
  for (const auto& a : all) {
    const hashed_key ha(a);
    const key ka = key::stored(a);
    BOOST_TEST(ha.text() == a);
    BOOST_TEST(key_hash{}(ha) == key_hash{}(ka));  // a probe of either type finds the other
    BOOST_TEST(key_equal{}(ha, ka));
    BOOST_TEST(key_equal{}(ka, ha));
    BOOST_TEST(hashed_key(ka).text() == a);
    for (const auto& b : all) {
      if (key_equal{}(ha, key(b)) != (a == b) || key_equal{}(ha, hashed_key(b)) != (a == b)) {
        BOOST_TEST_INFO("a=" << a.size() << " bytes, b=" << b.size() << " bytes");
        BOOST_TEST(false);
      }
    }
  }
}

// The e-mail, the company name and an address's customer id are hashed keys into the current
// row: after updates that keep them (so the element only takes the new row) and the old rows
// are gone, lookups by them still find the rows. Texts of both packed forms (inline, pool).
BOOST_AUTO_TEST_CASE(hashed_keys_follow_the_row_through_updates) {
  customer_module m;
  const std::string long_mail = std::string(40, 'm') + "@example.com";
  const auto a = m.create({.email = "a@x.y", .company_name = "Short Co"});
  const auto b = m.create({.email = long_mail, .company_name = std::string(30, 'C')});
  const auto address = m.add_addresses({.customer_id = b.id, .city = "Aarhus"});
  for (int i = 0; i < 50; ++i) {
    m.update(a.id, {.first_name = fmt::format("a{}", i)});
    m.update(b.id, {.first_name = fmt::format("b{}", i)});
    m.update_addresses(address.id, {.city = fmt::format("City {}", i)});
    const auto noise = m.create({.email = fmt::format("noise{}@x.y", i),
                                 .company_name = fmt::format("Noise {}", i)});
    m.delete_customers(noise.id);
  }
  // New rows take the blocks the replaced rows and texts left (the pool reuses them), with
  // other text of the same sizes.
  for (int i = 0; i < 300; ++i)
    m.create({.email = fmt::format("r{:03}@x.y", i) + (i % 2 ? std::string(40, 'r') : ""),
              .company_name = fmt::format("R{:03}", i) + (i % 2 ? std::string(27, 'R') : "")});
  BOOST_TEST(m.list(where("email") == "a@x.y").at(0).first_name == "a49");
  BOOST_TEST(m.list(where("email") == long_mail).at(0).first_name == "b49");
  BOOST_TEST(m.list(where("company_name") == "Short Co").at(0).id == a.id);
  BOOST_TEST(m.list(where("company_name") == std::string(30, 'C')).at(0).id == b.id);
  const auto found = m.list_addresses(where("customer_id") == b.id);
  BOOST_TEST(found.size() == 1u);
  BOOST_TEST(found.at(0).city == "City 49");
  BOOST_TEST(m.list(where("email") == "noise3@x.y").empty());
}

// The same, at the table: an element that takes a row with the same keys refers to that row's
// text, whatever form the text has (inline in the row, or in a pool block). Text pointers are
// compared as pointers: a key's text is not null-terminated.
BOOST_AUTO_TEST_CASE(an_element_refers_to_the_text_of_the_row_it_holds) {
  using namespace customerdb::detail;
  customer_table customers;
  address_table addresses;
  const std::string long_mail = std::string(40, 'm') + "@example.com";
  for (const auto& mail : {std::string("a@x.y"), long_mail}) {
    customer_record c{.id = "cus_" + mail.substr(0, 1), .email = mail, .company_name = mail};
    customers.put(make_row(c));
    c.first_name = "Changed";
    const auto now = make_row(c);
    customers.put(now);
    const auto* s = customers.find_slot(key(c.id));
    BOOST_REQUIRE(s != nullptr);
    BOOST_TEST(s->row.get() == now.get());
    // The e-mail is a whole key, a copy of its own; the company name's key refers to the row.
    BOOST_TEST(s->extra.email.text() == now->email.value_or_empty());
    BOOST_TEST(static_cast<const void*>(s->extra.company.text().data()) ==
               static_cast<const void*>(now->company_name.value_or_empty().data()));

    customer_address_record a{.id = "cuaddr_" + mail.substr(0, 1), .customer_id = mail};
    addresses.put(make_row(a));
    a.city = "Aarhus";
    const auto address = make_row(a);
    addresses.put(address);
    const auto* as = addresses.find_slot(key(a.id));
    BOOST_REQUIRE(as != nullptr);
    BOOST_TEST(static_cast<const void*>(as->extra.customer.text().data()) ==
               static_cast<const void*>(address->customer_id.view().data()));
  }
}

BOOST_AUTO_TEST_CASE(long_caller_ids_with_a_common_prefix) {
  customer_module m;
  const std::string prefix(50, 'x');
  std::vector<std::string> ids;
  for (int i = 9; i >= 0; --i) ids.push_back(fmt::format("{}{}", prefix, i));
  for (const auto& id : ids) m.create({.id = id, .email = id + "@x.y"});
  std::sort(ids.begin(), ids.end());
  BOOST_TEST(customerdb::testing::ids_of(m.list()) == ids, boost::test_tools::per_element());
  for (const auto& id : ids) BOOST_TEST(m.retrieve(id).id == id);
  BOOST_TEST(m.list(where("email") == ids[3] + "@x.y").at(0).id == ids[3]);
  BOOST_CHECK_THROW(m.retrieve(prefix + "99"), customerdb::error);
}

}  // namespace

// detail::key, the index keys kept inline in the table nodes (engine/src/keys.hpp): its order
// and equality must be exactly std::string's for any text, inline or longer than the inline
// part, with embedded NULs and bytes above 0x7F; and ids longer than the inline part, sharing
// long prefixes, must work through the public API.
#include "keys.hpp"

#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <random>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using customerdb::detail::key;

// Texts around the inline size, from a small alphabet so that long common prefixes, equal
// texts and prefixes of one another are frequent.
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
    for (auto& c : s)
      if (rng() % 4 == 0) c = alphabet[rng() % alphabet.size()];
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

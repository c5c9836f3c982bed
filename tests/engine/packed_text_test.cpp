// detail::packed_string and detail::packed_optional, the 8-byte text columns of stored rows
// (engine/src/packed_text.hpp): every length reads back exactly (inline up to 7 bytes, in the
// pool up to its largest block, beyond it, and past the 32,766 bytes whose size fits beside the
// pointer), null stays distinct from "", and copies, moves and reassignments (including of an
// object's own text) keep each value intact.
#include "packed_text.hpp"

#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using customerdb::detail::packed_optional;
using customerdb::detail::packed_string;

// Texts of the lengths where the representation changes, with NULs and high bytes.
std::vector<std::string> texts() {
  std::vector<std::string> out;
  for (std::size_t n :
       {0, 1, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1023, 1024, 1025, 32766, 32767, 32768, 70000}) {
    std::string s(n, 'a');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>("a\0\xff z"[i % 5]);
    out.push_back(std::move(s));
  }
  return out;
}

static_assert(sizeof(packed_string) == 8 && sizeof(packed_optional) == 8);

BOOST_AUTO_TEST_CASE(every_length_reads_back_exactly) {
  for (const auto& t : texts()) {
    const packed_string s(t);
    BOOST_TEST(s.view() == t);
    BOOST_TEST(s.size() == t.size());
    const packed_optional o(t);
    BOOST_TEST(o.has_value());
    BOOST_TEST(*o == t);
    BOOST_TEST((o.copy() == std::optional<std::string>(t)));
  }
}

BOOST_AUTO_TEST_CASE(null_is_not_the_empty_text) {
  const packed_optional null;
  const packed_optional empty(std::string{});
  BOOST_TEST(!null.has_value());
  BOOST_TEST(empty.has_value());
  BOOST_TEST(!(null == empty));
  BOOST_TEST(!null.copy().has_value());
  BOOST_TEST((empty.copy() == std::optional<std::string>("")));
  BOOST_TEST((null == std::optional<std::string>()));
  BOOST_TEST(!(empty == std::optional<std::string>()));
  BOOST_TEST(null.value_or_empty().empty());
}

BOOST_AUTO_TEST_CASE(copies_moves_and_reassignments_keep_the_values) {
  const auto all = texts();
  for (const auto& a : all) {
    for (const auto& b : all) {
      packed_optional x(a);
      packed_optional y(b);
      packed_optional copy(x);
      BOOST_TEST(*copy == a);
      copy = y;  // replaces text of any length with text of any length
      BOOST_TEST(*copy == b);
      BOOST_TEST(*x == a);  // the original is untouched
      packed_optional moved(std::move(copy));
      BOOST_TEST(*moved == b);
      moved = std::move(x);
      BOOST_TEST(*moved == a);
      moved = std::optional<std::string>(b);
      BOOST_TEST(*moved == b);
      moved = std::nullopt;
      BOOST_TEST(!moved.has_value());
    }
    packed_string s(a);
    s = s.view();  // its own text
    BOOST_TEST(s.view() == a);
    const auto& same = s;
    s = same;
    BOOST_TEST(s.view() == a);
  }
}

BOOST_AUTO_TEST_CASE(order_and_equality_are_those_of_the_texts) {
  const auto all = texts();
  for (const auto& a : all)
    for (const auto& b : all) {
      BOOST_TEST(((packed_string(a) == packed_string(b)) == (a == b)));
      BOOST_TEST(((packed_string(a) < packed_string(b)) == (a < b)));
      BOOST_TEST(((packed_optional(a) == std::optional<std::string>(b)) == (a == b)));
    }
}

}  // namespace

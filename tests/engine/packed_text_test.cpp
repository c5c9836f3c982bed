// detail::packed_string and detail::packed_optional, the 8-byte text columns of stored rows
// (engine/src/packed_text.hpp): every length reads back exactly (inline up to 7 bytes, in the
// pool up to its largest block, beyond it, and past the 32,766 bytes whose size fits beside the
// pointer), null stays distinct from "", and copies, moves and reassignments (including of an
// object's own text) keep each value intact. A packed_string's copies share its block, whichever
// of them lets go first and on whichever thread; a packed_optional's copies have their own.
#include "packed_text.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>
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

BOOST_AUTO_TEST_CASE(string_copies_share_the_text_and_the_last_one_frees_it) {
  for (const auto& t : texts()) {
    const bool on_heap = t.size() > 7;
    auto first = std::make_unique<packed_string>(t);
    packed_string copy(*first);
    packed_string assigned;
    assigned = copy;
    BOOST_TEST(copy.shares_text_with(*first) == on_heap);
    BOOST_TEST(assigned.shares_text_with(*first) == on_heap);
    BOOST_TEST((static_cast<const void*>(copy.data()) == first->data()) == on_heap);
    first.reset();  // the first owner goes first: the others still read the text
    BOOST_TEST(copy.view() == t);
    BOOST_TEST(assigned.view() == t);
    copy = std::string_view("another text, on the heap");  // a block of its own again
    BOOST_TEST(!copy.shares_text_with(assigned));
    BOOST_TEST(assigned.view() == t);

    const packed_optional o(t);
    const packed_optional o_copy(o);
    BOOST_TEST(*o_copy == t);
    BOOST_TEST(static_cast<const void*>(o_copy.value_or_empty().data()) !=
               static_cast<const void*>(o.value_or_empty().data()));
  }
}

// Threads copy one string and drop their copies at once, the original going in the middle:
// every copy reads the text to the end, and (under the sanitizers) no block is freed twice,
// early or never.
BOOST_AUTO_TEST_CASE(string_copies_come_and_go_on_many_threads) {
  const std::string text(40, 'x');
  auto original = std::make_unique<packed_string>(text);
  std::vector<packed_string> seeds(4, *original);
  std::vector<std::thread> threads;
  std::vector<int> wrong(seeds.size(), 0);
  for (std::size_t i = 0; i < seeds.size(); ++i)
    threads.emplace_back([&, i] {
      for (int round = 0; round < 20000; ++round) {
        packed_string copy(seeds[i]);
        packed_string again;
        again = copy;
        if (again.view() != text) ++wrong[i];
      }
    });
  original.reset();
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    BOOST_TEST(wrong[i] == 0);
    BOOST_TEST(seeds[i].view() == text);
  }
}

}  // namespace

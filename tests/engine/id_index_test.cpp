// detail::id_index, the flat hash index of a table's rows by id (engine/src/id_index.hpp),
// against a std::map of the same ids: random inserts, erases (whose shifting back of the
// following entries must keep every other id reachable, across the wrap-around at the end of
// the array) and row changes, at sizes that keep the array small and crowded and at sizes that
// make it grow.
#include "id_index.hpp"

#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <list>
#include <map>
#include <memory>
#include <random>
#include <string>

namespace {

using customerdb::detail::key;

// What the index needs of a table's slot: the id key and the row pointer.
struct fake_slot {
  explicit fake_slot(std::string t, int value)
      : text(std::move(t)), id(text), row(std::make_shared<const int>(value)) {}
  std::string text;
  key id;
  std::shared_ptr<const int> row;
};

using index_type = customerdb::detail::id_index<fake_slot, int>;

// The index holds exactly the slots of `expected`, each with its current row; `absent` ids are
// not found.
void check(const index_type& index, const std::map<std::string, fake_slot*>& expected,
           const std::vector<std::string>& absent) {
  BOOST_REQUIRE_EQUAL(index.size(), expected.size());
  for (const auto& [text, s] : expected) {
    const fake_slot* found = index.find(key(text));
    BOOST_REQUIRE_MESSAGE(found == s, "id " << text << " not found");
  }
  for (const auto& text : absent)
    if (!expected.contains(text))
      BOOST_REQUIRE_MESSAGE(index.find(key(text)) == nullptr, "id " << text << " found");
}

// `steps` random operations over ids drawn from `universe` distinct texts.
void run(unsigned seed, int universe, int steps, bool check_every_step) {
  std::mt19937 rng(seed);
  std::list<fake_slot> storage;  // stable addresses, as a container's nodes
  std::map<std::string, fake_slot*> expected;
  std::vector<std::string> ids;
  for (int i = 0; i < universe; ++i) ids.push_back(fmt::format("cus_{:026}", i * 7919 % 100003));
  index_type index;
  for (int step = 0; step < steps; ++step) {
    const std::string& text = ids[rng() % ids.size()];
    const auto it = expected.find(text);
    const unsigned op = rng() % 4;
    if (it == expected.end()) {
      if (op == 0) continue;
      auto& s = storage.emplace_back(text, step);
      index.insert(s);
      expected.emplace(text, &s);
    } else if (op < 2) {
      index.erase(*it->second);
      expected.erase(it);
    } else {
      // A put in place: the same slot gets another row.
      it->second->row = std::make_shared<const int>(step);
      index.set_row(*it->second);
    }
    if (check_every_step) check(index, expected, ids);
  }
  check(index, expected, ids);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(id_index_suite)

BOOST_AUTO_TEST_CASE(empty_index_finds_nothing_and_allocates_nothing) {
  index_type index;
  BOOST_TEST(index.size() == 0u);
  BOOST_TEST(index.find(key("cus_1")) == nullptr);
  fake_slot s("cus_1", 1);
  index.erase(s);  // not indexed: nothing happens
  index.set_row(s);
  BOOST_TEST(index.size() == 0u);
}

BOOST_AUTO_TEST_CASE(crowded_small_index_matches_a_map_after_every_step) {
  // 14 distinct ids in a 16- or 32-entry array: long runs that wrap around the end.
  for (unsigned seed = 1; seed <= 200; ++seed) run(seed, 14, 300, true);
}

BOOST_AUTO_TEST_CASE(growing_index_matches_a_map) { run(7, 20000, 120000, false); }

BOOST_AUTO_TEST_CASE(index_past_65536_entries_places_by_the_whole_hash) {
  // An entry keeps the hash's two halves beside its two pointers: its home (found again when an
  // erase shifts the run back) is the whole hash scaled to the capacity, here past 2^17.
  run(11, 100000, 250000, false);
}

BOOST_AUTO_TEST_CASE(find_returns_the_slot_with_its_current_row) {
  std::list<fake_slot> storage;
  index_type index;
  for (int i = 0; i < 100; ++i) index.insert(storage.emplace_back(fmt::format("id{}", i), i));
  auto& s = storage.front();
  s.row = std::make_shared<const int>(-1);
  index.set_row(s);
  const fake_slot* found = index.find(key("id0"));
  BOOST_REQUIRE(found == &s);
  BOOST_TEST(*found->row == -1);
  index.reserve(1000);  // growing keeps every entry
  for (int i = 0; i < 100; ++i) BOOST_TEST(index.find(key(fmt::format("id{}", i))) != nullptr);
  BOOST_TEST(index.find(key("id100")) == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

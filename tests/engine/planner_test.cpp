// A randomized test of the query planner: index access paths (id, email, company_name, group
// name, relation ids, customer_id / customer_group_id), the ranked id pages, the walk over one
// group's members, early stops, ordering and paging are checked against a plain
// scan-and-filter oracle written here from the documented semantics (docs/protocol.md "Filters",
// decisions D9, D12, D13, D16, D17, D20, D24, D25, D28 and docs/medusa-compatibility.md):
//
//   - SQL three-valued logic: a comparison with NULL is unknown, NOT unknown is unknown, only
//     rows whose filter is true are returned; `== null` is IS NULL and `!= null` IS NOT NULL;
//     `$exists: true` is IS NOT NULL (on a metadata column, any operand but null); `x IN (a,
//     NULL)` is unknown unless x = a; an empty IN is false and an empty NOT IN true; a metadata
//     object follows any scalar operand (jsonb's order);
//   - a relation condition means "has at least one related row that matches" (never unknown),
//     soft-deleted related rows included; a row with no related row is matched as a left join
//     matches it: against a related row of nulls; under $not (an odd number of them, through
//     $and and $or by De Morgan's laws) it means "has a related row (or the row of nulls) for
//     which the condition is false", as Medusa applies NOT to each joined row;
//   - a sub-filter that is no condition (`{}`, an $and or $or of nothing else, $not of one, an
//     empty q) inside $and / $or is dropped, and an $and or $or with nothing left is no
//     condition;
//   - q: a case-insensitive literal substring over the searchable fields, i.e. the OR of
//     `field ILIKE %q%` over them (unknown when nothing matches and a field is NULL); an empty
//     q matches everything and q has no effect on memberships (no searchable fields);
//   - LIKE: `%` any run of characters, `_` exactly one character; ILIKE folds case;
//   - soft-deleted customers and groups are hidden unless with_deleted or a deleted_at
//     condition anywhere in the filter; order keys in order with nulls last ascending and first
//     descending, text by bytes, ties by id ascending; take 15 by default unless the filter
//     has a top-level id condition other than equality with null or "", null for no limit;
//     skip only together with a limit.
//
// The data is built through the public API with a fixed seed and read back once with
// list(..., {take: null, with_deleted: true}); the oracle only ever looks at that copy. The
// oracle, the data and the filter generator are in engine/planner/, one header each.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/planner/filter_generator.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using namespace customerdb::testing::planner;

// How a planner can serve a filter: every row (a page of the id order), one group's members in
// id order, an index lookup on a top-level equality or `in`, or a scan. Counted to show that
// the random filters reach each of them.
std::string_view access_shape(ent e, const gnode& root, const find_config& config) {
  std::vector<const gnode*> top;
  top_level(root, top);
  if (std::all_of(top.begin(), top.end(), [](const gnode* n) { return n->kind == nk::empty; }))
    return config.order.empty() ? "all rows, id order" : "all rows, sorted";
  static const std::set<std::string_view> indexed{
      "id",     "email",     "company_name", "name",          "customer_id", "customer_group_id",
      "groups", "customers", "customer",     "customer_group"};
  const auto index_condition = [&](const gnode* n) {
    return (n->kind == nk::cond || n->kind == nk::rel_ids) && indexed.count(name_of(*n)) &&
           (n->op == filter_op::eq || n->op == filter_op::in) &&
           std::all_of(n->operands.begin(), n->operands.end(),
                       [](const value& v) { return std::holds_alternative<std::string>(v); });
  };
  // An $or whose every branch (but `{}`) is an index condition: the union of index lookups.
  const auto index_union = [&](const gnode* n) {
    return n->kind == nk::any_of &&
           std::any_of(n->children.begin(), n->children.end(),
                       [](const gnode& c) { return c.kind != nk::empty; }) &&
           std::all_of(n->children.begin(), n->children.end(), [&](const gnode& c) {
             return c.kind == nk::empty || index_condition(&c);
           });
  };
  if (std::any_of(top.begin(), top.end(), index_union) &&
      !std::any_of(top.begin(), top.end(), index_condition))
    return config.order.empty() ? "$or of indexes, id order" : "$or of indexes, sorted";
  bool index = false, group_walk = false;
  for (const gnode* n : top) {
    if (!index_condition(n)) continue;
    index = true;
    group_walk |= e == ent::customer && name_of(*n) == "groups" && n->operands.size() == 1 &&
                  config.order.empty();
  }
  if (group_walk) return "one group's members";
  if (index) return config.order.empty() ? "index, id order" : "index, sorted";
  return config.order.empty() ? "scan, id order" : "scan, sorted";
}

// Runs `count` random filters on entity `e`; reports (at most 3) mismatches, minimized.
void check_random_filters(const customer_module& m, const oracle_db& db, generator& gen, ent e,
                          int count, gnode (generator::*make_root)(ent)) {
  int failures = 0;
  int reported = 0;
  std::map<std::string_view, int> shapes;
  for (int i = 0; i < count; ++i) {
    gnode root = (gen.*make_root)(e);
    find_config config = gen.config(e);
    ++shapes[access_shape(e, root, config)];
    if (!difference(m, db, e, root, config)) continue;
    ++failures;
    if (reported >= 3) continue;
    ++reported;
    const std::string original = to_string(root) + " " + show_config(config);
    minimize(m, db, e, root, config);
    const auto diff = difference(m, db, e, root, config);
    std::string rows;
    const outcome want = run_oracle(db, e, root, config);
    const outcome got = run_engine(m, e, to_filter(root), config, false);
    std::set<std::string> a(want.ids.begin(), want.ids.end()), b(got.ids.begin(), got.ids.end());
    std::vector<std::string> differing;
    std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(),
                                  std::back_inserter(differing));
    for (std::size_t k = 0; k < differing.size() && k < 4; ++k) {
      const auto it = db.of(e).by_id.find(differing[k]);
      if (it != db.of(e).by_id.end()) rows += "  row " + show_row(db, e, it->second) + "\n";
    }
    BOOST_ERROR("planner mismatch on " << info(e).name << " list (filter #" << i << ")\n"
                                       << "  generated: " << original << "\n"
                                       << "  minimized: " << to_string(root) << " "
                                       << show_config(config) << "\n"
                                       << diff.value_or("  (no longer differs)\n") << rows);
  }
  std::string shape_counts;
  for (const auto& [shape, k] : shapes)
    shape_counts += fmt::format("{}{}: {}", shape_counts.empty() ? "" : ", ", shape, k);
  BOOST_TEST_MESSAGE(info(e).name << ": " << count << " random filters (" << shape_counts << "), "
                                  << failures << " mismatches");
  BOOST_CHECK_EQUAL(failures, 0);
}

// Builds a store of `n` rows from `seed` and runs the filters `make_root` makes on each entity
// against the oracle.
void check_random_store(std::uint64_t seed, const sizes& n, gnode (generator::*make_root)(ent)) {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  random_source rnd{seed};
  populate(m, clock, rnd, n);
  const oracle_db db = snapshot(m);
  BOOST_TEST_MESSAGE("rows: " << db.of(ent::customer).rows.size() << " customers, "
                              << db.of(ent::group).rows.size() << " groups, "
                              << db.of(ent::address).rows.size() << " addresses, "
                              << db.of(ent::membership).rows.size() << " memberships");
  BOOST_REQUIRE_EQUAL(db.of(ent::customer).rows.size(), static_cast<std::size_t>(n.customers));

  generator gen{rnd, db};
  check_random_filters(m, db, gen, ent::customer, n.filters, make_root);
  check_random_filters(m, db, gen, ent::group, n.group_filters, make_root);
  check_random_filters(m, db, gen, ent::address, n.address_filters, make_root);
  check_random_filters(m, db, gen, ent::membership, n.membership_filters, make_root);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(planner)

// ~400 customers (2000 makes populating alone take over a minute in a Debug build: every
// insert checks the Boost.MultiIndex invariants of its whole table), ~30 groups, ~2 addresses
// and ~1.4 memberships per customer, 10% of the customers and 6 groups soft-deleted.
BOOST_AUTO_TEST_CASE(random_filters_match_a_scan_and_filter_oracle) {
  check_random_store(0x5eed'c0ffee'2024ULL,
                     {.customers = 400,
                      .filters = 2500,
                      .group_filters = 300,
                      .address_filters = 400,
                      .membership_filters = 400},
                     &generator::root);
}

// $or of equalities and `in` lists on indexed fields is planned as the union of index lookups
// (access_path.hpp) and compiled as one `in` per field (predicate.cpp): the same rows as the
// oracle, on every entity.
BOOST_AUTO_TEST_CASE(random_ors_of_indexed_conditions_match_a_scan_and_filter_oracle) {
  check_random_store(0x0ded'beef'2026ULL,
                     {.customers = 200,
                      .filters = 400,
                      .group_filters = 200,
                      .address_filters = 200,
                      .membership_filters = 200},
                     &generator::or_of_access_paths);
}

// The capitals the random data leaves out (they have no plain +1 / +0x20 pairing): Ÿ (Latin
// Extended-A, lower case ÿ in Latin-1), the accented Greek capitals and the Cyrillic capitals
// past Я. q and $ilike must fold them like the others ("Case folding" in
// docs/medusa-compatibility.md).
BOOST_AUTO_TEST_CASE(q_and_ilike_fold_every_documented_capital) {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  const std::vector<std::string> words{"ŸVES", "ŹVES", "ΆΝΝΑ",  "ΉΡΑ",  "ΪΡΙΣ", "ҐАНОК",
                                       "ӁУК",  "ӘЛИЯ", "ӨСКЕН", "ЁЛКА", "ŁÓDŹ", "ΣΟΦΙΑ"};
  std::vector<std::string> ids;
  for (const auto& w : words) ids.push_back(m.create(create_customer_dto{.last_name = w}).id);
  for (const auto& query : words) {
    for (const std::string& q : {fold(query), query}) {
      std::vector<std::string> want;
      for (std::size_t i = 0; i < words.size(); ++i)
        if (fold(words[i]).find(fold(q)) != std::string::npos) want.push_back(ids[i]);
      BOOST_CHECK_MESSAGE(ids_of(m.list(search(q))) == want,
                          "q(\"" << q << "\"): [" << join(ids_of(m.list(search(q)))) << "], want ["
                                 << join(want) << "]");
      BOOST_CHECK_MESSAGE(ids_of(m.list(where("last_name").ilike(q))) == want,
                          "last_name ilike \"" << q << "\": ["
                                               << join(ids_of(m.list(where("last_name").ilike(q))))
                                               << "], want [" << join(want) << "]");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// Results that must not depend on the access path the planner picks: e-mail and company equality
// with and without their index, a group filter's pages in id order, listAndCount counting as
// list with take null, and created_at ranges (docs/architecture.md).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "support/query_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using namespace std::chrono_literals;

}  // namespace

BOOST_AUTO_TEST_SUITE(access_path_results)

namespace {

// Twenty customers u0..u19: e-mail "u<i%10>@x.com", has_account for i >= 10 (so every e-mail is
// used twice), company "Co<i%3>" except every fourth (null). Then: u3 and u13 soft-deleted, u4
// soft-deleted and restored, u5 moved to "moved@x.com", u7's company changed from Co1 to Co0,
// u8 hard-deleted.
struct planner_fixture : query_fixture {
  std::vector<customer> u;
  planner_fixture() {
    for (int i = 0; i < 20; ++i) {
      std::optional<std::string> company;
      if (i % 4 != 0) company = "Co" + std::to_string(i % 3);
      u.push_back(m.create(dto{.email = "u" + std::to_string(i % 10) + "@x.com", .first_name = "N" + std::to_string(i), .company_name = company, .has_account = i >= 10}));
      clock.advance(1s);
    }
    m.soft_delete(std::vector<std::string>{u[3].id, u[13].id, u[4].id});
    m.restore(u[4].id);
    m.update(u[5].id, {.email = "moved@x.com"});
    m.update(u[7].id, {.company_name = "Co0"});
    m.delete_customers(u[8].id);
  }

  // The reference: every visible customer, filtered here by `keep`.
  template <class Keep>
  std::string reference(Keep keep, bool with_deleted = false) {
    std::vector<std::string> out;
    for (const auto& c : m.list({}, {.take = customerdb::null, .with_deleted = with_deleted}))
      if (keep(c)) out.push_back(c.id);
    return join(out);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(email_equality_same_with_and_without_index, planner_fixture) {
  // An empty e-mail next to the null ones (u-customers all have one; `blank` has "").
  const auto blank = m.create(dto{.email = "", .first_name = "blank"});
  const auto no_email = m.create(dto{.first_name = "no e-mail"});
  std::vector<std::string> emails{"moved@x.com", "nobody@x.com", ""};
  for (int i = 0; i < 10; ++i) emails.push_back("u" + std::to_string(i) + "@x.com");
  for (const auto& e : emails) {
    BOOST_TEST_CONTEXT("email " << e) {
      const auto expected = reference([&](const customer& c) { return c.email == e; });
      BOOST_CHECK_EQUAL(found(where("email") == e), expected);
      BOOST_CHECK_EQUAL(found(filter::any_of({where("email") == e})), expected);
      BOOST_CHECK_EQUAL(found(where("email").in({e})), expected);
      BOOST_CHECK_EQUAL(m.list_and_count(where("email") == e).second,
                        m.list_and_count(filter::any_of({where("email") == e})).second);
      const auto with_deleted = reference([&](const customer& c) { return c.email == e; }, true);
      BOOST_CHECK_EQUAL(found(where("email") == e, {.with_deleted = true}), with_deleted);
      BOOST_CHECK_EQUAL(found(filter::any_of({where("email") == e}), {.with_deleted = true}), with_deleted);
      BOOST_CHECK_EQUAL(found(where("email") == e, {.skip = 1, .take = 1}),
                        found(filter::any_of({where("email") == e}), {.skip = 1, .take = 1}));
      BOOST_CHECK_EQUAL(found(where("email") == e && where("has_account") == true),
                        found(filter::any_of({where("email") == e}) && where("has_account") == true));
    }
  }
  // Exact values for the interesting cases.
  BOOST_CHECK_EQUAL(found(where("email") == "u5@x.com"), u[15].id);
  BOOST_CHECK_EQUAL(found(where("email") == "moved@x.com"), u[5].id);
  BOOST_CHECK_EQUAL(found(where("email") == "u3@x.com"), "");
  BOOST_CHECK_EQUAL(found(where("email") == "u3@x.com", {.with_deleted = true}), join({u[3].id, u[13].id}));
  BOOST_CHECK_EQUAL(found(where("email") == "u4@x.com"), join({u[4].id, u[14].id}));
  BOOST_CHECK_EQUAL(found(where("email") == "u8@x.com"), u[18].id);
  BOOST_CHECK_EQUAL(found(where("email") == "U0@x.com"), "");
  BOOST_CHECK_EQUAL(found(where("email") == ""), blank.id);
  BOOST_CHECK_EQUAL(found(where("email") == nullptr), no_email.id);
  BOOST_CHECK_EQUAL(found(where("email").in({"u1@x.com", nullptr})), join({u[1].id, u[11].id}));
  BOOST_CHECK_EQUAL(found(where("email").in({"u1@x.com", ""})), join({u[1].id, u[11].id, blank.id}));
  BOOST_CHECK_EQUAL(found(where("email").in({"u1@x.com", "moved@x.com", "u1@x.com"})),
                    join({u[1].id, u[5].id, u[11].id}));
  BOOST_CHECK_EQUAL(found(where("email").in({"u1@x.com", "moved@x.com"}), {.order = {{"has_account", sort_direction::desc}}}),
                    join({u[11].id, u[1].id, u[5].id}));
  BOOST_CHECK_EQUAL(found(where("email").in({"u1@x.com", "moved@x.com"}) && where("has_account") == false),
                    join({u[1].id, u[5].id}));
}

BOOST_FIXTURE_TEST_CASE(company_equality_same_with_and_without_index, planner_fixture) {
  const auto blank = m.create(dto{.company_name = ""});
  m.update(u[9].id, {.company_name = customerdb::null});
  for (const std::string co : {"Co0", "Co1", "Co2", "Co3", ""}) {
    BOOST_TEST_CONTEXT("company " << co) {
      const auto expected = reference([&](const customer& c) { return c.company_name == co; });
      BOOST_CHECK_EQUAL(found(where("company_name") == co, no_limit()), expected);
      BOOST_CHECK_EQUAL(found(filter::any_of({where("company_name") == co}), no_limit()), expected);
      BOOST_CHECK_EQUAL(found(where("company_name") == co), found(filter::any_of({where("company_name") == co})));
      BOOST_CHECK_EQUAL(m.list_and_count(where("company_name") == co).second,
                        m.list_and_count(filter::any_of({where("company_name") == co})).second);
      BOOST_CHECK_EQUAL(found(where("company_name") == co, {.skip = 2, .take = 3}),
                        found(filter::any_of({where("company_name") == co}), {.skip = 2, .take = 3}));
      BOOST_CHECK_EQUAL(found(where("company_name") == co, {.order = {{"first_name", sort_direction::desc}}}),
                        found(filter::any_of({where("company_name") == co}), {.order = {{"first_name", sort_direction::desc}}}));
    }
  }
  // Co0: i % 3 == 0 and i % 4 != 0 -> 3, 6, 9, 15, 18; u3 deleted; u9 cleared; plus u7 (moved
  // from Co1).
  BOOST_CHECK_EQUAL(found(where("company_name") == "Co0"), join({u[6].id, u[7].id, u[15].id, u[18].id}));
  BOOST_CHECK_EQUAL(found(where("company_name") == ""), blank.id);
  BOOST_CHECK_EQUAL(found(where("company_name") == "Co1"), found(filter::any_of({where("company_name") == "Co1"})));
  BOOST_CHECK_EQUAL(found(where("company_name") == "Co1"), join({u[1].id, u[10].id, u[19].id}));
  BOOST_CHECK_EQUAL(found(where("company_name") == nullptr), join({u[0].id, u[4].id, u[9].id, u[12].id, u[16].id}));
  BOOST_CHECK_EQUAL(found(where("company_name") == nullptr), found(filter::any_of({where("company_name") == nullptr})));
  BOOST_CHECK_EQUAL(m.list_and_count(where("company_name").in({"Co1", "Co2"}), {.take = 0}).second,
                    m.list_and_count(filter::any_of({where("company_name") == "Co1", where("company_name") == "Co2"})).second);
}

BOOST_FIXTURE_TEST_CASE(group_filter_pages_in_id_order, planner_fixture) {
  const auto g = m.create_customer_group(group_dto{.name = "Big"});
  const auto other = m.create_customer_group(group_dto{.name = "Other"});
  // Memberships added in reverse id order, plus one in another group.
  std::vector<std::string> members;
  for (auto it = u.rbegin(); it != u.rend(); ++it) {
    if (it->id == u[8].id) continue;  // hard-deleted
    m.add_customer_to_group({.customer_id = it->id, .customer_group_id = g.id});
    members.push_back(it->id);
  }
  m.add_customer_to_group({.customer_id = u[0].id, .customer_group_id = other.id});
  std::sort(members.begin(), members.end());
  // Live members: all but u3, u13 (soft-deleted).
  std::vector<std::string> live;
  for (const auto& id : members)
    if (id != u[3].id && id != u[13].id) live.push_back(id);
  BOOST_REQUIRE_EQUAL(live.size(), 17u);
  const auto slice = [&](std::size_t from, std::size_t to) {
    return join(std::vector<std::string>(live.begin() + static_cast<std::ptrdiff_t>(from),
                                         live.begin() + static_cast<std::ptrdiff_t>(std::min(to, live.size()))));
  };
  BOOST_CHECK_EQUAL(found(where("groups") == g.id), slice(0, 15));  // default take 15
  BOOST_CHECK_EQUAL(found(where("groups") == g.id, {.skip = 3, .take = 5}), slice(3, 8));
  BOOST_CHECK_EQUAL(found(where("groups") == g.id, {.skip = 15}), slice(15, 17));
  BOOST_CHECK_EQUAL(found(where("groups") == g.id, {.skip = 17}), "");
  BOOST_CHECK_EQUAL(found(where("groups") == g.id, no_limit()), join(live));
  BOOST_CHECK_EQUAL(found(filter::any_of({where("groups") == g.id}), no_limit()), join(live));
  BOOST_CHECK_EQUAL(found(where("groups") == g.id, {.skip = 3, .take = 5}),
                    found(filter::any_of({where("groups") == g.id}), {.skip = 3, .take = 5}));
  const auto [rows, count] = m.list_and_count(where("groups") == g.id, {.skip = 10, .take = 4});
  BOOST_CHECK_EQUAL(join(ids_of(rows)), slice(10, 14));
  BOOST_CHECK_EQUAL(count, 17u);
  BOOST_CHECK_EQUAL(m.list_and_count(where("groups") == g.id, {.with_deleted = true}).second, 19u);
  BOOST_CHECK_EQUAL(found(where("groups") == g.id, {.skip = 2, .take = 3, .with_deleted = true}),
                    join(std::vector<std::string>(members.begin() + 2, members.begin() + 5)));
  // Combined with another condition, and after a membership is removed.
  BOOST_CHECK_EQUAL(found(where("groups") == g.id && where("has_account") == false, no_limit()),
                    reference([&](const customer& c) { return !c.has_account && c.id != u[8].id; }));
  m.remove_customer_from_group({.customer_id = live[0], .customer_group_id = g.id});
  BOOST_CHECK_EQUAL(found(where("groups") == g.id, {.take = 2}), slice(1, 3));
  BOOST_CHECK_EQUAL(m.list_and_count(where("groups") == g.id).second, 16u);
  // Descending order over the same filter.
  BOOST_CHECK_EQUAL(found(where("groups") == g.id, {.take = 2, .order = {{"id", sort_direction::desc}}}),
                    join({live[16], live[15]}));
}

BOOST_FIXTURE_TEST_CASE(list_and_count_counts_as_list_with_take_null, planner_fixture) {
  const std::vector<filter> filters{
      filter{},
      where("email") == "u1@x.com",
      where("company_name") == "Co1",
      where("has_account") == true,
      where("first_name").like("N1%"),
      search("co2"),
      where("deleted_at") != nullptr,
      where("created_at") >= t0 + 5s && where("created_at") < t0 + 12s,
      !(where("company_name") == "Co0"),
  };
  for (std::size_t i = 0; i < filters.size(); ++i) {
    BOOST_TEST_CONTEXT("filter #" << i) {
      const auto all = m.list(filters[i], no_limit());
      const auto [rows, count] = m.list_and_count(filters[i]);
      BOOST_CHECK_EQUAL(count, all.size());
      BOOST_CHECK_EQUAL(m.list_and_count(filters[i], {.skip = 1, .take = 1}).second, all.size());
      BOOST_CHECK_EQUAL(m.list_and_count(filters[i], {.with_deleted = true}).second,
                        m.list(filters[i], {.take = customerdb::null, .with_deleted = true}).size());
      const auto prefix = std::vector<customer>(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(15, all.size())));
      BOOST_CHECK_EQUAL(join(ids_of(rows)), join(ids_of(prefix)));
    }
  }
}

BOOST_FIXTURE_TEST_CASE(created_at_range, planner_fixture) {
  // u<i> was created at t0 + i s.
  BOOST_CHECK_EQUAL(found(where("created_at") >= t0 + 5s && where("created_at") < t0 + 10s),
                    join({u[5].id, u[6].id, u[7].id, u[9].id}));  // u8 deleted
  BOOST_CHECK_EQUAL(found(where("created_at") > "2024-05-24T10:00:11Z" && where("created_at") <= "2024-05-24T12:00:14+02:00"),
                    join({u[12].id, u[14].id}));  // u13 soft-deleted
  BOOST_CHECK_EQUAL(found(where("created_at") > "2024-05-24T10:00:11Z" && where("created_at") <= "2024-05-24T12:00:14+02:00",
                          {.with_deleted = true}),
                    join({u[12].id, u[13].id, u[14].id}));
  const auto [rows, count] = m.list_and_count(where("created_at") >= t0 + 2s, {.take = 3, .order = {{"created_at", sort_direction::desc}}});
  BOOST_CHECK_EQUAL(join(ids_of(rows)), join({u[19].id, u[18].id, u[17].id}));
  BOOST_CHECK_EQUAL(count, 15u);  // 2..19 minus 3, 8, 13
  BOOST_CHECK_EQUAL(found(where("created_at") >= t0 + 19s || where("created_at") < t0 + 1s), join({u[0].id, u[19].id}));
}

BOOST_AUTO_TEST_SUITE_END()

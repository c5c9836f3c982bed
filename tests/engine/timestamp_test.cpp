// Tests of customerdb::timestamp (to_iso8601, parse_iso8601, now) and of the created_at /
// updated_at / deleted_at values the module writes (decision D14).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using namespace std::chrono_literals;

std::string iso(const std::optional<timestamp>& t) { return t ? to_iso8601(*t) : std::string("<null>"); }

// The stamps of a customer's or group's DTO: "created updated deleted", with "<null>" for no
// deletion.
template <class Dto>
std::string stamps(const Dto& d) {
  return to_iso8601(d.created_at) + " " + to_iso8601(d.updated_at) + " " + iso(d.deleted_at);
}

std::string parsed(std::string_view text) {
  const auto t = parse_iso8601(text);
  return t ? to_iso8601(*t) : std::string("<nullopt>");
}

const timestamp t0 = std::chrono::sys_days{std::chrono::year{2024} / 5 / 24} + 10h;

struct fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(timestamps)

// ---- formatting and parsing --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(to_iso8601_has_milliseconds_and_z) {
  BOOST_CHECK_EQUAL(to_iso8601(t0), "2024-05-24T10:00:00.000Z");
  BOOST_CHECK_EQUAL(to_iso8601(t0 + 123ms), "2024-05-24T10:00:00.123Z");
  BOOST_CHECK_EQUAL(to_iso8601(t0 + 1ms), "2024-05-24T10:00:00.001Z");
  BOOST_CHECK_EQUAL(to_iso8601(t0 + 13h + 59min + 59s + 999ms), "2024-05-24T23:59:59.999Z");
  BOOST_CHECK_EQUAL(to_iso8601(timestamp{}), "1970-01-01T00:00:00.000Z");
  BOOST_CHECK_EQUAL(to_iso8601(std::chrono::sys_days{std::chrono::year{2024} / 2 / 29} + 5min),
                    "2024-02-29T00:05:00.000Z");
  BOOST_CHECK_EQUAL(to_iso8601(std::chrono::sys_days{std::chrono::year{1999} / 12 / 31} + 23h + 59min + 59s),
                    "1999-12-31T23:59:59.000Z");
}

BOOST_AUTO_TEST_CASE(manual_clock_starts_at_documented_time) {
  manual_clock clock;
  BOOST_CHECK_EQUAL(to_iso8601(clock.now()), "2024-05-24T10:00:00.000Z");
  clock.advance(1500ms);
  BOOST_CHECK_EQUAL(to_iso8601(clock.function()()), "2024-05-24T10:00:01.500Z");
}

BOOST_AUTO_TEST_CASE(parse_round_trips) {
  for (const timestamp t : {t0, t0 + 123ms, t0 + 13h + 59min + 59s + 999ms, timestamp{}}) {
    const auto back = parse_iso8601(to_iso8601(t));
    BOOST_REQUIRE(back.has_value());
    BOOST_CHECK_EQUAL(ms(*back), ms(t));
  }
  BOOST_CHECK_EQUAL(parsed("2024-05-24T10:00:00.000Z"), "2024-05-24T10:00:00.000Z");
  BOOST_CHECK_EQUAL(parsed("2024-05-24T10:00:00.456Z"), "2024-05-24T10:00:00.456Z");
}

BOOST_AUTO_TEST_CASE(parse_accepts_documented_forms) {
  BOOST_CHECK_EQUAL(parsed("2024-05-24T10:00:00Z"), "2024-05-24T10:00:00.000Z");
  BOOST_CHECK_EQUAL(parsed("2024-05-24"), "2024-05-24T00:00:00.000Z");
  BOOST_CHECK_EQUAL(parsed("2024-05-24T12:00:00+02:00"), "2024-05-24T10:00:00.000Z");
  BOOST_CHECK_EQUAL(parsed("2024-05-24T12:00:00.250+02:00"), "2024-05-24T10:00:00.250Z");
  BOOST_CHECK_EQUAL(parsed("2024-05-24T04:30:00.000-05:30"), "2024-05-24T10:00:00.000Z");
  BOOST_CHECK_EQUAL(parsed("2024-05-24T01:00:00+02:00"), "2024-05-23T23:00:00.000Z");
  const auto p = parse_iso8601("2024-05-24T10:00:00.000Z");
  BOOST_REQUIRE(p.has_value());
  BOOST_CHECK(*p == t0);
}

BOOST_AUTO_TEST_CASE(parse_rejects_garbage) {
  for (const char* text : {"", "garbage", "2024", "2024-05", "24-05-2024", "2024/05/24",
                           "2024-13-01", "2024-02-30", "2024-05-32", "2024-05-24T25:00:00Z",
                           "2024-05-24T10:61:00Z", "2024-05-24T10:00:00.000Zjunk",
                           "2024-05-24T10:00:00.000+2", "2024-05-24 garbage", "T10:00:00Z"}) {
    BOOST_CHECK_MESSAGE(!parse_iso8601(text).has_value(), "expected nullopt for \"" << text << "\"");
  }
}

BOOST_AUTO_TEST_CASE(now_is_current_utc_in_milliseconds) {
  const auto before = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const timestamp t = customerdb::now();
  const auto after = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  BOOST_CHECK(t >= before);
  BOOST_CHECK(t <= after + 1ms);
}

// ---- timestamps written by the module ----------------------------------------------------

BOOST_FIXTURE_TEST_CASE(customer_timestamps, fixture) {
  const auto c = m.create({.email = "a@x.com"});
  BOOST_CHECK_EQUAL(stamps(c), "2024-05-24T10:00:00.000Z 2024-05-24T10:00:00.000Z <null>");
  const auto r = m.retrieve(c.id);
  BOOST_CHECK_EQUAL(ms(r.created_at), ms(t0));
  BOOST_CHECK_EQUAL(ms(r.updated_at), ms(t0));

  clock.advance(1234ms);
  const auto u = m.update(c.id, {.first_name = "Jane"});
  BOOST_CHECK_EQUAL(stamps(u), "2024-05-24T10:00:00.000Z 2024-05-24T10:00:01.234Z <null>");
  BOOST_CHECK_EQUAL(stamps(m.retrieve(c.id)), stamps(u));

  clock.advance(1s);
  m.soft_delete(std::vector<std::string>{c.id});
  BOOST_CHECK_EQUAL(stamps(m.retrieve(c.id, {.with_deleted = true})),
                    "2024-05-24T10:00:00.000Z 2024-05-24T10:00:02.234Z 2024-05-24T10:00:02.234Z");

  clock.advance(1s);
  m.restore(std::vector<std::string>{c.id});
  BOOST_CHECK_EQUAL(stamps(m.retrieve(c.id)),
                    "2024-05-24T10:00:00.000Z 2024-05-24T10:00:03.234Z <null>");
}

// A customer's or a group's update that sets every field to the value it has changes nothing,
// updated_at included.
BOOST_FIXTURE_TEST_CASE(update_that_changes_nothing_keeps_updated_at, fixture) {
  const auto c = m.create({.first_name = "John"});
  const auto g = m.create_customer_group({.name = "VIP"});
  clock.advance(5s);
  const std::string unchanged = "2024-05-24T10:00:00.000Z";
  const auto customer = m.update(c.id, {.first_name = "John"});
  const auto group = m.update_customer_groups(g.id, {.name = "VIP"});
  BOOST_CHECK_EQUAL(to_iso8601(customer.updated_at), unchanged);
  BOOST_CHECK_EQUAL(to_iso8601(m.retrieve(c.id).updated_at), unchanged);
  BOOST_CHECK_EQUAL(to_iso8601(group.updated_at), unchanged);
  BOOST_CHECK_EQUAL(to_iso8601(m.retrieve_customer_group(g.id).updated_at), unchanged);
}

BOOST_FIXTURE_TEST_CASE(restore_of_live_customer_bumps_updated_at, fixture) {
  const auto c = m.create({.first_name = "John"});
  clock.advance(2s);
  const auto restored = m.restore(std::vector<std::string>{c.id});
  BOOST_CHECK_EQUAL(restored.at("customer_id").size(), 1u);
  BOOST_CHECK_EQUAL(to_iso8601(m.retrieve(c.id).updated_at), "2024-05-24T10:00:02.000Z");
}

BOOST_FIXTURE_TEST_CASE(soft_delete_of_deleted_customer_keeps_deleted_at, fixture) {
  const auto c = m.create({.first_name = "John"});
  clock.advance(1s);
  m.soft_delete(std::vector<std::string>{c.id});
  clock.advance(1s);
  const auto again = m.soft_delete(std::vector<std::string>{c.id});
  BOOST_CHECK(again.empty());
  const auto d = m.retrieve(c.id, {.with_deleted = true});
  BOOST_CHECK_EQUAL(iso(d.deleted_at), "2024-05-24T10:00:01.000Z");
  BOOST_CHECK_EQUAL(to_iso8601(d.updated_at), "2024-05-24T10:00:01.000Z");
}

BOOST_FIXTURE_TEST_CASE(group_timestamps, fixture) {
  clock.advance(10ms);
  const auto g = m.create_customer_group({.name = "VIP"});
  BOOST_CHECK_EQUAL(stamps(g), "2024-05-24T10:00:00.010Z 2024-05-24T10:00:00.010Z <null>");

  clock.advance(10ms);
  const auto u = m.update_customer_groups(g.id, {.name = "Gold"});
  BOOST_CHECK_EQUAL(stamps(u), "2024-05-24T10:00:00.010Z 2024-05-24T10:00:00.020Z <null>");

  clock.advance(10ms);
  m.soft_delete_customer_groups(std::vector<std::string>{g.id});
  BOOST_CHECK_EQUAL(stamps(m.retrieve_customer_group(g.id, {.with_deleted = true})),
                    "2024-05-24T10:00:00.010Z 2024-05-24T10:00:00.030Z 2024-05-24T10:00:00.030Z");
}

BOOST_FIXTURE_TEST_CASE(address_and_membership_timestamps, fixture) {
  const auto c = m.create({.email = "a@x.com"});
  const auto g = m.create_customer_group({.name = "VIP"});
  clock.advance(1s);
  const auto a = m.add_addresses({.customer_id = c.id, .city = "Oslo"});
  BOOST_CHECK_EQUAL(to_iso8601(a.created_at), "2024-05-24T10:00:01.000Z");
  BOOST_CHECK_EQUAL(to_iso8601(a.updated_at), "2024-05-24T10:00:01.000Z");
  clock.advance(1s);
  const auto u = m.update_addresses(a.id, {.city = "Bergen"});
  BOOST_CHECK_EQUAL(to_iso8601(u.created_at), "2024-05-24T10:00:01.000Z");
  BOOST_CHECK_EQUAL(to_iso8601(u.updated_at), "2024-05-24T10:00:02.000Z");
  const auto listed = m.list_addresses(where("id") == a.id);
  BOOST_REQUIRE_EQUAL(listed.size(), 1u);
  BOOST_CHECK_EQUAL(to_iso8601(listed[0].updated_at), "2024-05-24T10:00:02.000Z");

  clock.advance(1s);
  m.add_customer_to_group({.customer_id = c.id, .customer_group_id = g.id});
  const auto rows = m.list_customer_group_customers();
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK_EQUAL(to_iso8601(rows[0].created_at), "2024-05-24T10:00:03.000Z");
  BOOST_CHECK_EQUAL(to_iso8601(rows[0].updated_at), "2024-05-24T10:00:03.000Z");
}

BOOST_AUTO_TEST_SUITE_END()

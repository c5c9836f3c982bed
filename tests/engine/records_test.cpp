// Records: customer_module::import_records and export_records (engine/src/import_export.cpp).
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using namespace std::chrono_literals;

timestamp at(int minute) {
  return timestamp(std::chrono::sys_days{std::chrono::year{2024} / 1 / 2} +
                   std::chrono::minutes{minute});
}

customer_record cust(const std::string& id, std::optional<std::string> email = std::nullopt,
                     bool has_account = false) {
  return {.id = id,
          .email = std::move(email),
          .has_account = has_account,
          .created_at = at(1),
          .updated_at = at(2)};
}
customer_group_record group(const std::string& id, std::optional<std::string> name) {
  return {.id = id, .name = std::move(name), .created_at = at(1), .updated_at = at(1)};
}
customer_address_record address(const std::string& id, const std::string& customer_id,
                                bool default_shipping = false, bool default_billing = false) {
  return {.id = id,
          .customer_id = customer_id,
          .is_default_shipping = default_shipping,
          .is_default_billing = default_billing,
          .created_at = at(3),
          .updated_at = at(3)};
}
customer_group_customer_record member(const std::string& id, const std::string& customer_id,
                                      const std::string& group_id) {
  return {.id = id,
          .customer_id = customer_id,
          .customer_group_id = group_id,
          .created_at = at(4),
          .updated_at = at(4)};
}

// Every committed row, in export order.
std::vector<record> exported(const customer_module& m) {
  std::vector<record> out;
  m.export_records([&](const record& r) { out.push_back(r); });
  return out;
}

// The ids of `rows`, in order.
std::vector<std::string> ids(const std::vector<record>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(std::visit([](const auto& x) { return x.id; }, r));
  return out;
}

// A store with one customer (two addresses, default shipping and billing), a group and a
// membership, made through the service methods.
struct fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  std::string customer_id, group_id;

  fixture() {
    customer_id = m.create(create_customer_dto{.email = "a@b.c"}).id;
    group_id = m.create_customer_group(create_customer_group_dto{.name = "VIP"}).id;
    m.add_customer_to_group({.customer_id = customer_id, .customer_group_id = group_id});
    m.add_addresses(create_customer_address_dto{
        .customer_id = customer_id, .is_default_shipping = true, .is_default_billing = true});
  }

  // Expects import_records(rs) to fail with `code` and `message` and to change nothing.
  void check_rejected(record_set rs, error_code code, const std::string& message) {
    const auto before = exported(m);
    const auto sequence = m.stats().sequence;
    CUSTOMERDB_CHECK_ERROR(m.import_records(std::move(rs)), code, message);
    BOOST_CHECK(exported(m) == before);
    BOOST_CHECK_EQUAL(m.stats().sequence, sequence);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(records)

BOOST_AUTO_TEST_CASE(import_keeps_every_column) {
  customer_module m;
  customer_record c = cust("cus_1", "x@y.z", true);
  c.company_name = "Acme";
  c.first_name = "Ann";
  c.last_name = "Lee";
  c.phone = "555";
  c.metadata = metadata{{"tier", "gold"}, {"n", 3}};
  c.created_by = "admin";
  c.deleted_at = at(9);
  record_set rs;
  rs.customers = {c, cust("cus_2")};
  rs.customer_groups = {group("cusgroup_1", "VIP")};
  rs.customer_addresses = {address("cuaddr_1", "cus_2", true, false),
                           address("cuaddr_2", "cus_2", false, true)};
  rs.customer_group_customers = {member("cusgc_1", "cus_2", "cusgroup_1")};
  m.import_records(rs);
  BOOST_CHECK_EQUAL(m.stats().sequence, 1u);  // one commit

  const auto deleted = m.retrieve("cus_1", {.with_deleted = true});
  BOOST_CHECK_EQUAL(deleted.email, "x@y.z");
  BOOST_CHECK(deleted.has_account);
  BOOST_CHECK_EQUAL(deleted.company_name, "Acme");
  BOOST_CHECK_EQUAL(deleted.first_name, "Ann");
  BOOST_CHECK_EQUAL(deleted.last_name, "Lee");
  BOOST_CHECK_EQUAL(deleted.phone, "555");
  check_metadata(deleted.metadata, metadata{{"tier", "gold"}, {"n", 3}});
  BOOST_CHECK_EQUAL(deleted.created_by, "admin");
  BOOST_CHECK_EQUAL(ms(deleted.created_at), ms(at(1)));
  BOOST_CHECK_EQUAL(ms(deleted.updated_at), ms(at(2)));
  BOOST_CHECK_EQUAL(ms(deleted.deleted_at), ms(at(9)));
  CUSTOMERDB_CHECK_ERROR(m.retrieve("cus_1"), error_code::not_found,
                         "Customer with id: cus_1 was not found");

  const auto live = m.retrieve("cus_2", {.relations = {"groups", "addresses"}});
  BOOST_CHECK_EQUAL(live.default_shipping_address_id, "cuaddr_1");
  BOOST_CHECK_EQUAL(live.default_billing_address_id, "cuaddr_2");
  BOOST_REQUIRE(live.groups);
  BOOST_REQUIRE_EQUAL(live.groups->size(), 1u);
  BOOST_CHECK_EQUAL(live.groups->front().id, "cusgroup_1");
  BOOST_CHECK_EQUAL(m.list(where("email") == "x@y.z", {.with_deleted = true}).size(), 1u);

  // The imported rows behave as any other: a new customer may take the deleted one's e-mail.
  BOOST_CHECK_NO_THROW(m.create(create_customer_dto{.email = "x@y.z", .has_account = true}));
}

// Every column of every table, each set to a value of its own (text inline and longer than
// the rows' 15 inline bytes, "" distinct from null), comes back from an export as imported.
BOOST_AUTO_TEST_CASE(export_gives_back_every_column_imported) {
  const std::string long_text(40, 'L');
  const customerdb::metadata meta{{"k", "v"}};
  record_set rs;
  rs.customer_groups.push_back({.id = "cusgroup_1",
                                .name = "group name " + long_text,
                                .metadata = meta,
                                .created_by = "",
                                .created_at = at(1),
                                .updated_at = at(2),
                                .deleted_at = at(3)});
  rs.customers.push_back({.id = "cus_1",
                          .email = "e@x.y",
                          .first_name = "first " + long_text,
                          .last_name = "last",
                          .company_name = "company",
                          .phone = "",
                          .has_account = true,
                          .metadata = meta,
                          .created_by = "admin",
                          .created_at = at(4),
                          .updated_at = at(5),
                          .deleted_at = at(6)});
  rs.customer_addresses.push_back({.id = "cuaddr_1",
                                   .customer_id = "cus_1",
                                   .address_name = "home",
                                   .is_default_shipping = true,
                                   .is_default_billing = false,
                                   .company = "co",
                                   .first_name = "f",
                                   .last_name = "l",
                                   .address_1 = "1 " + long_text,
                                   .address_2 = "2",
                                   .city = "city",
                                   .country_code = "dk",
                                   .province = "province",
                                   .postal_code = "2100",
                                   .phone = "555",
                                   .metadata = meta,
                                   .created_at = at(7),
                                   .updated_at = at(8)});
  rs.customer_group_customers.push_back({.id = "cusgc_1",
                                         .customer_id = "cus_1",
                                         .customer_group_id = "cusgroup_1",
                                         .metadata = meta,
                                         .created_by = "by " + long_text,
                                         .created_at = at(9),
                                         .updated_at = at(10)});
  const std::vector<record> expected{rs.customer_groups[0], rs.customers[0],
                                     rs.customer_addresses[0], rs.customer_group_customers[0]};
  customer_module m;
  m.import_records(std::move(rs));
  BOOST_CHECK(exported(m) == expected);
}

BOOST_AUTO_TEST_CASE(export_order_is_tables_then_ids) {
  customer_module m;
  record_set rs;
  rs.customers = {cust("cus_b"), cust("cus_a")};
  rs.customer_groups = {group("cusgroup_b", "B"), group("cusgroup_a", "A")};
  rs.customer_addresses = {address("cuaddr_b", "cus_a"), address("cuaddr_a", "cus_b")};
  rs.customer_group_customers = {member("cusgc_b", "cus_a", "cusgroup_a"),
                                 member("cusgc_a", "cus_a", "cusgroup_b")};
  m.import_records(rs);
  const auto rows = exported(m);
  BOOST_TEST(ids(rows) == strs({"cusgroup_a", "cusgroup_b", "cus_a", "cus_b", "cuaddr_a",
                                "cuaddr_b", "cusgc_a", "cusgc_b"}),
             boost::test_tools::per_element());
  BOOST_CHECK(std::holds_alternative<customer_group_record>(rows[0]));
  BOOST_CHECK(std::holds_alternative<customer_record>(rows[2]));
  BOOST_CHECK(std::holds_alternative<customer_address_record>(rows[4]));
  BOOST_CHECK(std::holds_alternative<customer_group_customer_record>(rows[6]));
  BOOST_CHECK(std::get<customer_record>(rows[3]) == cust("cus_b"));
}

BOOST_FIXTURE_TEST_CASE(round_trip, fixture) {
  // Updated, soft-deleted and restored rows, metadata and a second group.
  m.update(customer_id, {.first_name = "Ann", .metadata = metadata{{"k", "v"}}});
  const auto other = m.create(create_customer_dto{.email = "gone@b.c"}).id;
  clock.advance(5s);
  m.soft_delete(other);
  const auto g2 = m.create_customer_group(create_customer_group_dto{.name = "Old"}).id;
  m.soft_delete_customer_groups(g2);

  const auto rows = exported(m);
  record_set rs;
  for (const auto& r : rows) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, customer_record>) rs.customers.push_back(x);
          if constexpr (std::is_same_v<T, customer_group_record>) rs.customer_groups.push_back(x);
          if constexpr (std::is_same_v<T, customer_address_record>)
            rs.customer_addresses.push_back(x);
          if constexpr (std::is_same_v<T, customer_group_customer_record>)
            rs.customer_group_customers.push_back(x);
        },
        r);
  }
  BOOST_CHECK_EQUAL(rs.customers.size(), 2u);
  BOOST_CHECK_EQUAL(rs.customer_groups.size(), 2u);
  BOOST_CHECK_EQUAL(rs.customer_addresses.size(), 1u);
  BOOST_CHECK_EQUAL(rs.customer_group_customers.size(), 1u);

  customer_module copy;
  copy.import_records(rs);
  BOOST_CHECK(exported(copy) == rows);
  // The copy answers queries as the original does.
  BOOST_CHECK_EQUAL(copy.retrieve(customer_id).default_billing_address_id,
                    m.retrieve(customer_id).default_billing_address_id);
  BOOST_CHECK_EQUAL(copy.list_customer_groups().size(), 1u);
  BOOST_CHECK_EQUAL(copy.list_customer_groups({}, {.with_deleted = true}).size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(import_refers_to_stored_rows, fixture) {
  record_set rs;
  rs.customer_addresses = {address("cuaddr_x", customer_id)};  // not a default: allowed
  rs.customers = {cust("cus_new", "a@b.c", true)};             // other has_account: allowed
  rs.customer_group_customers = {member("cusgc_x", "cus_new", group_id)};
  m.import_records(rs);
  BOOST_CHECK_EQUAL(m.list_addresses(where("customer_id") == customer_id).size(), 2u);
  BOOST_CHECK_EQUAL(m.list(where("groups") == group_id).size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(empty_import_is_no_commit, fixture) {
  const auto sequence = m.stats().sequence;
  m.import_records({});
  BOOST_CHECK_EQUAL(m.stats().sequence, sequence);
}

BOOST_FIXTURE_TEST_CASE(duplicate_ids, fixture) {
  record_set within;
  within.customers = {cust("cus_1"), cust("cus_2"), cust("cus_1")};
  check_rejected(within, error_code::invalid_data, "Customer with id: cus_1, already exists.");

  record_set stored;
  stored.customers = {cust("cus_9")};
  stored.customer_groups = {group(group_id, "Other")};
  check_rejected(stored, error_code::invalid_data,
                 "Customer group with id: " + group_id + ", already exists.");

  record_set address_ids;
  address_ids.customers = {cust("cus_9")};
  address_ids.customer_addresses = {address("cuaddr_1", "cus_9"), address("cuaddr_1", "cus_9")};
  check_rejected(address_ids, error_code::invalid_data,
                 "Customer address with id: cuaddr_1, already exists.");
}

BOOST_FIXTURE_TEST_CASE(customer_email_rule, fixture) {
  record_set within;
  within.customers = {cust("cus_1", "x@y.z"), cust("cus_2", "x@y.z")};
  check_rejected(within, error_code::invalid_data,
                 "Customer with email: x@y.z, has_account: false, already exists.");

  record_set stored;
  stored.customers = {cust("cus_1", "a@b.c")};
  check_rejected(stored, error_code::invalid_data,
                 "Customer with email: a@b.c, has_account: false, already exists.");

  // Soft-deleted customers and other has_account values never clash.
  record_set fine;
  auto deleted = cust("cus_1", "a@b.c");
  deleted.deleted_at = at(5);
  fine.customers = {deleted, cust("cus_2", "a@b.c", true), cust("cus_3"), cust("cus_4")};
  m.import_records(fine);
  BOOST_CHECK_EQUAL(m.list({}, {.with_deleted = true}).size(), 5u);
}

BOOST_FIXTURE_TEST_CASE(group_name_rule, fixture) {
  record_set stored;
  stored.customer_groups = {group("cusgroup_1", "VIP")};
  check_rejected(stored, error_code::invalid_data,
                 "Customer group with name: VIP, already exists.");

  record_set within;
  within.customer_groups = {group("cusgroup_1", "New"), group("cusgroup_2", "New")};
  check_rejected(within, error_code::invalid_data,
                 "Customer group with name: New, already exists.");
}

BOOST_FIXTURE_TEST_CASE(default_address_rule, fixture) {
  record_set stored;
  stored.customer_addresses = {address("cuaddr_1", customer_id, true, false)};
  check_rejected(stored, error_code::invalid_data,
                 "Customer address with customer_id: " + customer_id + ", already exists.");

  record_set within;
  within.customers = {cust("cus_1")};
  within.customer_addresses = {address("cuaddr_1", "cus_1", false, true),
                               address("cuaddr_2", "cus_1", false, true)};
  check_rejected(within, error_code::invalid_data,
                 "Customer address with customer_id: cus_1, already exists.");

  record_set fine;
  fine.customers = {cust("cus_1")};
  fine.customer_addresses = {address("cuaddr_1", "cus_1", true, false),
                             address("cuaddr_2", "cus_1", false, true)};
  BOOST_CHECK_NO_THROW(m.import_records(fine));
}

BOOST_FIXTURE_TEST_CASE(references_must_exist, fixture) {
  record_set address_of_nobody;
  address_of_nobody.customers = {cust("cus_1")};
  address_of_nobody.customer_addresses = {address("cuaddr_1", "cus_404")};
  check_rejected(address_of_nobody, error_code::invalid_data,
                 "You tried to set relationship customer_id: cus_404, but such entity does not "
                 "exist");

  record_set member_of_nothing;
  member_of_nothing.customer_group_customers = {member("cusgc_1", customer_id, "cusgroup_404")};
  check_rejected(member_of_nothing, error_code::invalid_data,
                 "You tried to set relationship customer_group_id: cusgroup_404, but such entity "
                 "does not exist");

  record_set nobody_member;
  nobody_member.customer_group_customers = {member("cusgc_1", "cus_404", group_id)};
  check_rejected(nobody_member, error_code::invalid_data,
                 "You tried to set relationship customer_id: cus_404, but such entity does not "
                 "exist");
}

BOOST_FIXTURE_TEST_CASE(one_membership_per_pair, fixture) {
  record_set stored;
  stored.customer_group_customers = {member("cusgc_1", customer_id, group_id)};
  check_rejected(stored, error_code::invalid_data,
                 "Customer group customer with customer_id: " + customer_id +
                     ", customer_group_id: " + group_id + ", already exists.");
}

BOOST_FIXTURE_TEST_CASE(failed_import_leaves_ids_free, fixture) {
  // A rejected import took its rows out again: the same ids import fine afterwards.
  record_set bad;
  bad.customers = {cust("cus_1"), cust("cus_2", "a@b.c")};
  check_rejected(bad, error_code::invalid_data,
                 "Customer with email: a@b.c, has_account: false, already exists.");
  record_set good;
  good.customers = {cust("cus_1"), cust("cus_2", "other@b.c")};
  m.import_records(good);
  BOOST_CHECK_EQUAL(m.retrieve("cus_2").email, "other@b.c");
}

BOOST_FIXTURE_TEST_CASE(visitor_errors_propagate, fixture) {
  int seen = 0;
  BOOST_CHECK_THROW(m.export_records([&](const record&) {
    if (++seen == 2) throw std::runtime_error("stop");
  }),
                    std::runtime_error);
  BOOST_CHECK_EQUAL(seen, 2);
  // Commits go on afterwards.
  BOOST_CHECK_NO_THROW(m.create(create_customer_dto{.email = "later@b.c"}));
}

BOOST_AUTO_TEST_CASE(import_of_many_rows) {
  customer_module m;
  record_set rs;
  constexpr int n = 1000;
  for (int i = 0; i < n; ++i) {
    const auto id = fmt::format("cus_{:06}", i);
    rs.customers.push_back(cust(id, fmt::format("u{}@x.y", i)));
    rs.customer_addresses.push_back(address(fmt::format("cuaddr_{:06}", i), id, true, true));
  }
  m.import_records(rs);
  const auto s = m.stats();
  BOOST_CHECK_EQUAL(s.customers, static_cast<std::size_t>(n));
  BOOST_CHECK_EQUAL(s.customer_addresses, static_cast<std::size_t>(n));
  BOOST_CHECK_EQUAL(m.retrieve("cus_000999").default_shipping_address_id, "cuaddr_000999");
}

// Rows staged in parts keep their order: the first of two rows with one id is the one that
// goes in, and the second is the one refused.
BOOST_AUTO_TEST_CASE(staged_parts_keep_their_order) {
  staged_rows first;
  first.add(cust("cus_1", "a@b.c"));
  staged_rows second;
  second.add(record(cust("cus_2", "d@e.f")));
  second.add(address("cuaddr_1", "cus_2"));
  first.append(std::move(second));
  BOOST_CHECK_EQUAL(first.size(), 3u);
  BOOST_CHECK_EQUAL(second.size(), 0u);
  staged_rows clash;
  clash.add(cust("cus_2", "g@h.i"));
  first.append(std::move(clash));
  customer_module m;
  CUSTOMERDB_CHECK_ERROR(m.import_rows(std::move(first)), error_code::invalid_data,
                         "Customer with id: cus_2, already exists.");
  BOOST_CHECK_EQUAL(m.stats().customers, 0u);

  staged_rows again;
  record_set rs;
  rs.customers = {cust("cus_1", "a@b.c"), cust("cus_2", "d@e.f")};
  again.add(std::move(rs));
  BOOST_CHECK(rs.customers.empty());
  m.import_rows(std::move(again));
  BOOST_CHECK_EQUAL(m.retrieve("cus_2").email.value_or(""), "d@e.f");
}

// import_rows reports each step from 0 to all of its rows, in order; in memory there is no
// journal and no snapshot step.
BOOST_AUTO_TEST_CASE(import_reports_its_progress) {
  staged_rows rows;
  constexpr int n = 100;
  for (int i = 0; i < n; ++i) rows.add(cust(fmt::format("cus_{:06}", i)));
  std::vector<std::string> steps;
  std::vector<std::uint64_t> last_done;
  import_options options;
  options.progress = [&](const progress_report& p) {
    BOOST_CHECK_EQUAL(p.total, static_cast<std::uint64_t>(n));
    if (steps.empty() || steps.back() != p.phase) {
      BOOST_CHECK_EQUAL(p.done, 0u);
      steps.emplace_back(p.phase);
      last_done.push_back(0);
    }
    BOOST_CHECK_GE(p.done, last_done.back());
    last_done.back() = p.done;
  };
  customer_module m;
  m.import_rows(std::move(rows), options);
  BOOST_TEST(steps == (std::vector<std::string>{"inserting", "checking"}),
             boost::test_tools::per_element());
  BOOST_TEST(last_done == (std::vector<std::uint64_t>{n, n}), boost::test_tools::per_element());
  BOOST_CHECK_EQUAL(m.stats().customers, static_cast<std::size_t>(n));

  // A callback that throws aborts the import: nothing is added.
  staged_rows more;
  more.add(cust("cus_new"));
  options.progress = [](const progress_report& p) {
    if (p.phase == "checking") throw std::runtime_error("stop");
  };
  BOOST_CHECK_THROW(m.import_rows(std::move(more), options), std::runtime_error);
  BOOST_CHECK_EQUAL(m.stats().customers, static_cast<std::size_t>(n));
  BOOST_CHECK_THROW(m.retrieve("cus_new"), error);
}

BOOST_AUTO_TEST_SUITE_END()

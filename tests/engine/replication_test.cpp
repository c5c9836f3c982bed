// Replicated transactions (customer_module::apply_replicated): a source's rows taken as they
// are, as one commit each, durable with a data directory; and a replica store
// (module_options::replica_of) that refuses every other write with not_allowed.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using namespace std::chrono_literals;

const timestamp t0 = *parse_iso8601("2024-05-24T10:00:00.123Z");

std::vector<record> state_of(const customer_module& m) {
  std::vector<record> out;
  m.export_records([&](const record& r) { out.push_back(r); });
  return out;
}

customer_record customer_row(std::string id, std::string email) {
  return {.id = std::move(id), .email = std::move(email), .created_at = t0, .updated_at = t0};
}

customer_address_record address_row(std::string id, std::string customer, bool shipping) {
  return {.id = std::move(id),
          .customer_id = std::move(customer),
          .is_default_shipping = shipping,
          .created_at = t0,
          .updated_at = t0};
}

// A source transaction: a group, two customers, an address and a membership.
replicated_transaction first_transaction() {
  replicated_transaction tx;
  tx.put(
      customer_group_record{.id = "cusgroup_1", .name = "VIP", .created_at = t0, .updated_at = t0});
  tx.put(customer_row("cus_1", "ann@x.io"));
  tx.put(customer_row("cus_2", "ann@x.io"));  // Medusa's rules are the source's: not checked
  tx.put(address_row("cuaddr_1", "cus_1", true));
  tx.put(customer_group_customer_record{.id = "cusgc_1",
                                        .customer_id = "cus_1",
                                        .customer_group_id = "cusgroup_1",
                                        .created_at = t0,
                                        .updated_at = t0});
  return tx;
}

std::vector<std::string> ids_of(const std::vector<record>& rows) {
  std::vector<std::string> ids;
  for (const auto& r : rows) std::visit([&](const auto& x) { ids.push_back(x.id); }, r);
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rows_are_taken_as_they_are_in_one_commit) {
  customer_module m;
  const auto before = m.stats().sequence;
  m.apply_replicated(first_transaction());
  BOOST_TEST(m.stats().sequence == before + 1);
  BOOST_TEST(ids_of(state_of(m)) == strs({"cusgroup_1", "cus_1", "cus_2", "cuaddr_1", "cusgc_1"}),
             boost::test_tools::per_element());
  const auto ann = m.retrieve("cus_1");
  BOOST_TEST(ann.email == std::optional<std::string>("ann@x.io"));
  BOOST_TEST(ms(ann.created_at) == ms(t0));
  BOOST_TEST(ann.default_shipping_address_id == std::optional<std::string>("cuaddr_1"));
  BOOST_TEST(m.list_customer_group_customers({}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(puts_replace_removes_delete_and_empty_tables_empty) {
  customer_module m;
  m.apply_replicated(first_transaction());
  replicated_transaction tx;
  auto changed = customer_row("cus_1", "ann@y.io");
  changed.deleted_at = t0 + 1s;  // a soft deletion is a column like any other
  tx.put(changed);
  tx.remove(table_name::customer, "cus_2");
  tx.remove(table_name::customer, "cus_absent");  // nothing to do
  tx.remove(table_name::customer_address, "cuaddr_1");
  tx.put(address_row("cuaddr_2", "cus_1", false));
  tx.remove(table_name::customer_address, "cuaddr_2");  // written and removed in one transaction
  tx.empty(table_name::customer_group_customer);
  m.apply_replicated(tx);
  const auto rows = state_of(m);
  BOOST_TEST(ids_of(rows) == strs({"cusgroup_1", "cus_1"}), boost::test_tools::per_element());
  BOOST_TEST((std::get<customer_record>(rows[1]) == changed));
  BOOST_TEST(m.list().empty());  // soft-deleted
}

BOOST_AUTO_TEST_CASE(a_transaction_without_changes_commits_nothing) {
  customer_module m;
  const auto before = m.stats().sequence;
  m.apply_replicated(replicated_transaction{});
  BOOST_TEST(m.stats().sequence == before);
}

BOOST_AUTO_TEST_CASE(a_replica_refuses_every_other_write) {
  module_options options;
  options.replica_of = "host=/tmp/pg dbname=shop";
  customer_module m(options);
  m.apply_replicated(first_transaction());
  const std::string refused =
      "This store is a read-only replica of host=/tmp/pg dbname=shop: write to the source";
  CUSTOMERDB_CHECK_ERROR(m.create({.email = "bob@x.io"}), error_code::not_allowed, refused);
  CUSTOMERDB_CHECK_ERROR(m.update("cus_1", {.first_name = "Ann"}), error_code::not_allowed,
                         refused);
  CUSTOMERDB_CHECK_ERROR(m.delete_customers("cus_1"), error_code::not_allowed, refused);
  CUSTOMERDB_CHECK_ERROR(m.create_customer_group({.name = "New"}), error_code::not_allowed,
                         refused);
  CUSTOMERDB_CHECK_ERROR(m.v2().create_customers({.email = "bob@x.io"}), error_code::not_allowed,
                         refused);
  CUSTOMERDB_CHECK_ERROR(m.import_records({}), error_code::not_allowed, refused);
  CUSTOMERDB_CHECK_ERROR(m.mark(), error_code::not_allowed, refused);
  CUSTOMERDB_CHECK_ERROR(m.rewind(), error_code::not_allowed, refused);
  CUSTOMERDB_CHECK_ERROR(m.clear(), error_code::not_allowed, refused);
  // Inside a transaction too; reading in one works.
  auto ctx = m.begin_transaction();
  BOOST_TEST(m.retrieve("cus_1", {}, ctx).id == "cus_1");
  CUSTOMERDB_CHECK_ERROR(m.create({.email = "bob@x.io"}, ctx), error_code::not_allowed, refused);
  m.rollback(ctx);
  // Nothing was written; the replica still takes the source's transactions.
  BOOST_TEST(ids_of(state_of(m)).size() == 5u);
  replicated_transaction tx;
  tx.remove(table_name::customer, "cus_2");
  m.apply_replicated(tx);
  BOOST_TEST(ids_of(state_of(m)).size() == 4u);
}

BOOST_AUTO_TEST_CASE(replicated_commits_are_durable) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("customerdb-replication-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  module_options options;
  options.persistence.data_dir = dir;
  options.replica_of = "the source";
  std::vector<record> applied;
  {
    customer_module m(options);
    m.apply_replicated(first_transaction());
    replicated_transaction tx;
    tx.empty(table_name::customer_address);
    m.apply_replicated(tx);
    applied = state_of(m);
  }
  customer_module reopened(options);
  const auto rows = state_of(reopened);
  BOOST_TEST_REQUIRE(rows.size() == applied.size());
  for (std::size_t i = 0; i < rows.size(); ++i) BOOST_TEST((rows[i] == applied[i]), "row " << i);
  BOOST_TEST(ids_of(rows) == strs({"cusgroup_1", "cus_1", "cus_2", "cusgc_1"}),
             boost::test_tools::per_element());
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(the_source_position_is_kept_with_the_commits) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("customerdb-replication-position-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  module_options options;
  options.persistence.data_dir = dir;
  {
    customer_module m(options);
    BOOST_TEST(!m.source_position());
    auto tx = first_transaction();
    tx.source_position = 0x16'B374D848;
    m.apply_replicated(tx);
    BOOST_TEST(m.source_position() == std::optional<std::uint64_t>(0x16'B374D848));
    // A source transaction with nothing for the store still moves the position, as a commit.
    const auto before = m.stats().sequence;
    replicated_transaction nothing;
    nothing.source_position = 0x16'B3750000;
    m.apply_replicated(nothing);
    BOOST_TEST(m.stats().sequence == before + 1);
    BOOST_TEST(m.source_position() == std::optional<std::uint64_t>(0x16'B3750000));
  }
  {
    // From the journal.
    customer_module reopened(options);
    BOOST_TEST(reopened.source_position() == std::optional<std::uint64_t>(0x16'B3750000));
    BOOST_TEST(ids_of(state_of(reopened)).size() == 5u);
    // From a snapshot, then one more commit in the journal after it.
    reopened.snapshot();
    replicated_transaction tx;
    tx.remove(table_name::customer, "cus_2");
    tx.source_position = 0x17'00000000;
    reopened.apply_replicated(tx);
  }
  customer_module last(options);
  BOOST_TEST(last.source_position() == std::optional<std::uint64_t>(0x17'00000000));
  BOOST_TEST(ids_of(state_of(last)).size() == 4u);
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_snapshot_holds_the_position_alone) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("customerdb-replication-snapshot-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  module_options options;
  options.persistence.data_dir = dir;
  {
    customer_module m(options);
    auto tx = first_transaction();
    tx.source_position = 42;
    m.apply_replicated(tx);
    m.snapshot();
  }
  // Only the newest snapshot and the journal after it are kept (none here): the snapshot's
  // header gives the position back.
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename().string().starts_with("journal-"))
      BOOST_TEST(std::filesystem::file_size(entry.path()) <= 32u, entry.path().string());
  customer_module reopened(options);
  BOOST_TEST(reopened.source_position() == std::optional<std::uint64_t>(42));
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(an_initial_copy_is_an_import_that_a_replica_takes_with_its_position) {
  for (const bool in_snapshot : {false, true}) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("customerdb-replication-copy-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    module_options options;
    options.persistence.data_dir = dir;
    options.replica_of = "the source";
    {
      customer_module m(options);
      staged_rows rows;
      const auto source = first_transaction();
      for (const auto& r : source.changes())
        rows.add(std::get<replicated_transaction::put_row>(r).row);
      m.import_rows(std::move(rows),
                    {.snapshot_instead_of_journal = in_snapshot, .source_position = 0x2A00});
      BOOST_TEST(m.source_position() == std::optional<std::uint64_t>(0x2A00));
      BOOST_TEST(ids_of(state_of(m)).size() == 5u);
      // Taken as they are (cus_1 and cus_2 share an email), but ids must be new; without a
      // position the import is refused.
      staged_rows again;
      again.add(customer_row("cus_1", "bob@x.io"));
      BOOST_CHECK_THROW(m.import_rows(std::move(again), {.source_position = 0x2B00}), error);
      BOOST_TEST(m.source_position() == std::optional<std::uint64_t>(0x2A00));
      CUSTOMERDB_CHECK_ERROR(m.import_rows(staged_rows{}), error_code::not_allowed,
                             "This store is a read-only replica of the source: write to the "
                             "source");
    }
    customer_module reopened(options);
    BOOST_TEST(reopened.source_position() == std::optional<std::uint64_t>(0x2A00));
    BOOST_TEST(ids_of(state_of(reopened)).size() == 5u);
    std::filesystem::remove_all(dir);
  }
}

BOOST_AUTO_TEST_CASE(an_empty_initial_copy_commits_its_position) {
  module_options options;
  options.replica_of = "the source";
  customer_module m(options);
  const auto before = m.stats().sequence;
  m.import_rows(staged_rows{}, {.source_position = 7});
  BOOST_TEST(m.stats().sequence == before + 1);
  BOOST_TEST(m.source_position() == std::optional<std::uint64_t>(7));
}

BOOST_AUTO_TEST_CASE(stored_row_gives_a_committed_row_soft_deleted_or_not) {
  customer_module m;
  auto tx = first_transaction();
  auto gone = customer_row("cus_3", "gone@x.io");
  gone.deleted_at = t0;
  tx.put(gone);
  m.apply_replicated(tx);
  const auto ann = m.stored_row(table_name::customer, "cus_1");
  BOOST_TEST_REQUIRE(ann.has_value());
  BOOST_TEST((*ann == record(customer_row("cus_1", "ann@x.io"))));
  const auto deleted = m.stored_row(table_name::customer, "cus_3");
  BOOST_TEST_REQUIRE(deleted.has_value());
  BOOST_TEST((std::get<customer_record>(*deleted).deleted_at == std::optional<timestamp>(t0)));
  BOOST_TEST(m.stored_row(table_name::customer_address, "cuaddr_1").has_value());
  BOOST_TEST(!m.stored_row(table_name::customer, "cuaddr_1").has_value());
  BOOST_TEST(!m.stored_row(table_name::customer_group_customer, "nope").has_value());
}

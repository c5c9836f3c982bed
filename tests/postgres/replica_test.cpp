// postgres::replica against the throwaway PostgreSQL 15 cluster of with_cluster.sh
// (CUSTOMERDB_TEST_PG): Medusa's tables in a schema of each case's own, written with plain SQL
// as Medusa writes them; the replica's store compared row for row with the source after its
// initial copy, after a stream of changes, after a restart; and its faults: a dropped
// connection, a restarted source, a dropped slot, a changed publication, a column it does not
// know, TRUNCATE, a large transaction.
#include "customerdb/postgres/replica.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "customerdb/postgres/connection.hpp"
#include "customerdb/customerdb.hpp"
#include "medusa_schema.hpp"
#include "pg_test_support.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace pg = customerdb::postgres;
using namespace customerdb;
using namespace std::chrono_literals;

namespace {

// Waits until `done()` holds; fails after a minute (a bound for a broken replica, not a guess
// at the machine's speed: every wait ends as soon as it holds).
void wait_until(const std::function<bool()>& done, const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) BOOST_FAIL("timed out waiting: " + what);
    std::this_thread::sleep_for(10ms);
  }
}

// Every row of a store, sorted (table, then id).
std::vector<record> rows_of(const customer_module& m) {
  std::vector<record> out;
  m.export_records([&](const record& r) { out.push_back(r); });
  std::stable_sort(out.begin(), out.end(), [](const record& a, const record& b) {
    const auto id = [](const record& r) {
      return std::visit([](const auto& x) { return x.id; }, r);
    };
    return a.index() != b.index() ? a.index() < b.index() : id(a) < id(b);
  });
  return out;
}

// A schema of the case's own holding Medusa's v2 tables, the publication `<name>_pub` over
// them, and the replica's slot `<name>_slot` (dropped at the end).
struct source {
  std::string name;
  std::string conninfo;  // with search_path set to the schema
  std::unique_ptr<pg::connection> db;

  explicit source(std::string case_name)
      : name(std::move(case_name)),
        conninfo(pg::testing::test_cluster() + " options='-c search_path=" + name + "'"),
        db(std::make_unique<pg::connection>(conninfo)) {
    db->exec("set client_min_messages = warning; drop schema if exists " + name +
             " cascade; create schema " + name);
    const auto ddl = pg::medusa_ddl(pg::schema_generation::v2);
    for (const auto& s : ddl.tables) db->exec(s);
    for (const auto& s : ddl.keys) db->exec(s);
    db->exec("create publication " + name + "_pub for table customer, customer_group, " +
             "customer_address, customer_group_customer");
  }
  ~source() {
    try {
      const std::string slot = name + "_slot";
      for (int i = 0; i < 3000; ++i) {  // the walsender may still hold it for a moment
        const auto r = db->exec("select active from pg_replication_slots where slot_name = $1",
                                {slot.c_str()});
        if (PQntuples(r.get()) == 0) break;
        if (PQgetvalue(r.get(), 0, 0)[0] == 'f') {
          db->exec("select pg_drop_replication_slot($1)", {slot.c_str()});
          break;
        }
        std::this_thread::sleep_for(10ms);
      }
      db->exec("set client_min_messages = warning; drop publication if exists " + name +
               "_pub; drop schema " + name + " cascade");
    } catch (const std::exception& e) {
      BOOST_TEST_MESSAGE("cleanup of " << name << " failed: " << e.what());
    }
  }

  void sql(const std::string& statements) { db->exec(statements); }
  // Reconnects (after the source restarted).
  void reconnect() { db = std::make_unique<pg::connection>(conninfo); }

  pg::replica_options options() const {
    pg::replica_options o;
    o.source = conninfo;
    o.slot = name + "_slot";
    o.publication = name + "_pub";
    o.min_backoff = 20ms;
    o.max_backoff = 500ms;
    o.publication_check_interval = 200ms;
    return o;
  }

  // The source's rows, read as `customerdb pg import` reads them.
  std::vector<record> rows() const {
    staged_rows staged;
    pg::read_medusa_tables(conninfo, staged);
    customer_module m;
    m.import_rows(std::move(staged));
    return rows_of(m);
  }

  // Terminates the replica's walsender if there is one; returns whether there was.
  bool terminate_walsender() {
    const std::string slot = name + "_slot";
    const auto r = db->exec(
        "select pg_terminate_backend(active_pid) from pg_replication_slots where "
        "slot_name = $1 and active_pid is not null",
        {slot.c_str()});
    return PQntuples(r.get()) == 1 && PQgetvalue(r.get(), 0, 0)[0] == 't';
  }
  // Terminates the replica's walsender, once there is one (the replica's rows are visible from
  // the end of its initial copy, a moment before it starts streaming).
  void drop_connection() {
    wait_until([&] { return terminate_walsender(); }, "the replica's walsender");
  }
};

// The lines a replica logs (from its thread).
class replica_log {
 public:
  pg::replica_options attached_to(pg::replica_options o) {
    o.log = [this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    };
    return o;
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

module_options replica_store(const std::filesystem::path& dir = {}) {
  module_options o;
  o.replica_of = "the test's source";
  o.persistence.data_dir = dir;
  o.persistence.fsync = fsync_policy::always;
  return o;
}

// Waits until the replica holds exactly the source's rows.
void wait_for_source(const source& s, const customer_module& store, const pg::replica& r) {
  const auto expected = s.rows();
  wait_until(
      [&] {
        const auto st = r.status();
        if (st.state == pg::replica_state::stale) BOOST_FAIL("stale: " + st.last_error);
        return rows_of(store) == expected;
      },
      "the replica to hold the source's " + std::to_string(expected.size()) + " rows");
}

const std::string first_rows =
    "insert into customer_group (id, name, metadata, created_at, updated_at) values "
    "('cusgroup_1', 'VIP', '{\"tier\": 1}', '2024-05-24 10:00:00.123+00', "
    "'2024-05-24 10:00:00.123+00');"
    "insert into customer (id, email, first_name, has_account, created_at, updated_at) values "
    "('cus_1', 'ann@x.io', E'Ann\\tTab', true, '2024-05-24 10:00:01.5+00', '2024-05-24 "
    "10:00:01.5+00'), ('cus_2', 'bob@x.io', null, false, now(), now());"
    "insert into customer_address (id, customer_id, is_default_shipping, city) values "
    "('cuaddr_1', 'cus_1', true, 'Zürich');"
    "insert into customer_group_customer (id, customer_id, customer_group_id) values "
    "('cusgc_1', 'cus_1', 'cusgroup_1');";

std::string error_of(const pg::replica& r) {
  wait_until([&] { return r.status().state == pg::replica_state::stale; }, "a stale replica");
  return r.status().last_error;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_initial_copy_then_every_change_in_order) {
  source s("replica_stream");
  s.sql(first_rows);
  customer_module store(replica_store());
  replica_log log;
  pg::replica r(store, log.attached_to(s.options()));
  wait_for_source(s, store, r);
  BOOST_TEST(store.retrieve("cus_1").first_name == std::optional<std::string>("Ann\tTab"));

  // Inserts, updates, soft and hard deletes, in separate transactions and in one.
  s.sql(
      "update customer set first_name = 'Anne', updated_at = '2024-06-01 08:00:00.999999+00' "
      "where id = 'cus_1'");
  s.sql(
      "begin; insert into customer (id, email) values ('cus_3', 'cy@x.io'); "
      "update customer_address set is_default_shipping = false where id = 'cuaddr_1'; "
      "insert into customer_address (id, customer_id, is_default_billing) values "
      "('cuaddr_2', 'cus_3', true); commit");
  s.sql("update customer_group set deleted_at = now() where id = 'cusgroup_1'");
  s.sql("delete from customer where id = 'cus_2'");
  // An id that changes: the row moves.
  s.sql("update customer_group_customer set id = 'cusgc_9' where id = 'cusgc_1'");
  wait_for_source(s, store, r);
  // Microseconds are truncated, as the import truncates them.
  BOOST_TEST(to_iso8601(store.retrieve("cus_1").updated_at) == "2024-06-01T08:00:00.999Z");
  BOOST_TEST(store.retrieve("cus_3").default_billing_address_id ==
             std::optional<std::string>("cuaddr_2"));

  // A TOASTed value an update leaves alone is not sent: it is taken from the store.
  const std::string big(20'000, 'x');
  s.sql("update customer set metadata = jsonb_build_object('notes', '" + big +
        "') where id = 'cus_3'");
  s.sql("update customer set last_name = 'Young' where id = 'cus_3'");
  wait_for_source(s, store, r);
  const auto cy = store.retrieve("cus_3");
  BOOST_TEST(cy.last_name == std::optional<std::string>("Young"));
  BOOST_TEST_REQUIRE(cy.metadata.has_value());
  BOOST_TEST(cy.metadata->at("notes").as_string().size() == big.size());

  // TRUNCATE empties the tables it names (and those it cascades to).
  s.sql("truncate customer_group_customer, customer_group");
  wait_for_source(s, store, r);
  BOOST_TEST(store.list_customer_groups({}, {.with_deleted = true}).empty());

  const auto st = r.status();
  BOOST_TEST(to_string(st.state) == "streaming");
  BOOST_TEST(st.transactions_applied >= 8u);
  BOOST_TEST(st.last_apply_lag.has_value());
  BOOST_TEST(st.reconnects == 0u);
  BOOST_TEST(st.last_error == "");
  const auto lines = log.lines();
  BOOST_TEST_REQUIRE(lines.size() >= 2u);
  BOOST_TEST(lines[0].starts_with("initial copy of "));
  BOOST_TEST(lines[0].find("(v2 tables, 5 rows)") != std::string::npos, lines[0]);
}

BOOST_AUTO_TEST_CASE(a_restart_resumes_without_a_new_copy_and_loses_nothing) {
  source s("replica_restart");
  s.sql(first_rows);
  const auto dir =
      std::filesystem::temp_directory_path() / ("customerdb-replica-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::uint64_t position = 0;
  {
    customer_module store(replica_store(dir));
    pg::replica r(store, s.options());
    wait_for_source(s, store, r);
    s.sql("insert into customer (id, email) values ('cus_3', 'cy@x.io')");
    wait_for_source(s, store, r);
    position = *store.source_position();
  }
  // Written while the replica is down: three transactions.
  s.sql("insert into customer (id, email) values ('cus_4', 'di@x.io')");
  s.sql("delete from customer where id = 'cus_3'");
  s.sql("update customer set email = 'ann@y.io' where id = 'cus_1'");
  customer_module store(replica_store(dir));
  BOOST_TEST(*store.source_position() == position);
  replica_log log;
  pg::replica r(store, log.attached_to(s.options()));
  wait_for_source(s, store, r);
  BOOST_TEST(r.status().transactions_applied == 3u);  // each once, none of before
  BOOST_TEST(*store.source_position() > position);
  for (const auto& line : log.lines()) BOOST_TEST(!line.starts_with("initial copy"), line);
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_dropped_connection_and_a_restarted_source_are_reconnected) {
  source s("replica_reconnect");
  s.sql(first_rows);
  customer_module store(replica_store());
  pg::replica r(store, s.options());
  wait_for_source(s, store, r);
  s.drop_connection();
  s.sql("insert into customer (id, email) values ('cus_3', 'cy@x.io')");
  wait_for_source(s, store, r);
  BOOST_TEST(r.status().reconnects >= 1u);

  const char* bin = std::getenv("CUSTOMERDB_TEST_PG_BIN");
  const char* data = std::getenv("CUSTOMERDB_TEST_PG_DATA");
  const char* run_as = std::getenv("CUSTOMERDB_TEST_PG_RUN_AS");
  BOOST_TEST_REQUIRE((bin && data), "with_cluster.sh sets CUSTOMERDB_TEST_PG_BIN and _DATA");
  const std::string as = run_as && *run_as ? std::string("runuser -u ") + run_as + " -- " : "";
  const std::string restart = as + bin + "/pg_ctl -D " + data + " -m fast -w -l " + data +
                              "/../server.log restart >/dev/null";
  const auto before = r.status().reconnects;
  BOOST_TEST_REQUIRE(std::system(restart.c_str()) == 0, restart);
  s.reconnect();
  s.sql("update customer set email = 'ann@y.io' where id = 'cus_1'");
  wait_for_source(s, store, r);
  BOOST_TEST(r.status().reconnects > before);
  BOOST_TEST(to_string(r.status().state) == "streaming");
}

BOOST_AUTO_TEST_CASE(a_dropped_slot_leaves_a_stale_replica_that_keeps_serving) {
  source s("replica_slot");
  s.sql(first_rows);
  customer_module store(replica_store());
  pg::replica r(store, s.options());
  wait_for_source(s, store, r);
  const auto served = rows_of(store);
  const std::string slot = s.name + "_slot";
  wait_until(
      [&] {
        s.terminate_walsender();
        try {
          s.sql("select pg_drop_replication_slot('" + slot + "')");
          return true;
        } catch (const pg::pg_error&) {  // still active: the walsender has not ended yet
          return false;
        }
      },
      "the slot to be dropped");
  s.sql("insert into customer (id, email) values ('cus_3', 'cy@x.io')");
  const auto message = error_of(r);
  BOOST_TEST(message.starts_with("replication slot \"replica_slot_slot\" no longer exists on "),
             message);
  BOOST_TEST(
      message.ends_with("The replica is stale: it keeps serving its last state; restart it with an "
                        "empty data directory for a new initial copy"),
      message);
  BOOST_TEST((rows_of(store) == served));
  BOOST_TEST(store.retrieve("cus_1").email == std::optional<std::string>("ann@x.io"));
}

BOOST_AUTO_TEST_CASE(a_table_leaving_the_publication_makes_the_replica_stale) {
  source s("replica_pub");
  customer_module store(replica_store());
  pg::replica r(store, s.options());
  wait_for_source(s, store, r);
  s.sql("alter publication replica_pub_pub drop table customer_address");
  BOOST_TEST(error_of(r).starts_with(
      "publication \"replica_pub_pub\" publishes replica_pub.customer, "
      "replica_pub.customer_group, replica_pub.customer_group_customer; the replica needs "
      "exactly customer_group, customer, customer_address, customer_group_customer of schema "
      "replica_pub. The replica is stale"));
}

BOOST_AUTO_TEST_CASE(a_column_the_replica_does_not_know_is_refused_by_name) {
  source s("replica_column");
  s.sql(first_rows);
  customer_module store(replica_store());
  pg::replica r(store, s.options());
  wait_for_source(s, store, r);
  s.sql("alter table customer add column loyalty_points integer");
  s.sql("insert into customer (id, email, loyalty_points) values ('cus_3', 'cy@x.io', 7)");
  const auto message = error_of(r);
  BOOST_TEST(message.find(": table replica_column.customer has column loyalty_points, which "
                          "customerdb does not know. The replica is stale") != std::string::npos,
             message);
  BOOST_TEST(!store.stored_row(table_name::customer, "cus_3").has_value());
}

BOOST_AUTO_TEST_CASE(a_large_transaction_is_applied_whole) {
  source s("replica_large");
  s.sql(first_rows);
  customer_module store(replica_store());
  pg::replica r(store, s.options());
  wait_for_source(s, store, r);
  // Far more than logical_decoding_work_mem (64 kB in with_cluster.sh): the source spills the
  // transaction to disk while decoding it. (Not larger: Debug builds check every index of the
  // table on each insert.)
  s.sql(
      "insert into customer (id, email, metadata) select 'cus_big_' || i, 'c' || i || "
      "'@x.io', jsonb_build_object('i', i) from generate_series(1, 1000) i");
  // Never part of it: the first row is not seen without the last (read in that order).
  wait_until(
      [&] {
        const bool first = store.stored_row(table_name::customer, "cus_big_1").has_value();
        const bool last = store.stored_row(table_name::customer, "cus_big_1000").has_value();
        BOOST_TEST_REQUIRE((!first || last), "a part of the transaction is visible");
        return last;
      },
      "the large transaction");
  wait_for_source(s, store, r);
}

BOOST_AUTO_TEST_CASE(a_slot_invalidated_for_its_wal_leaves_a_stale_replica) {
  source s("replica_lost");
  s.sql(first_rows);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("customerdb-replica-lost-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    customer_module store(replica_store(dir));
    pg::replica r(store, s.options());
    wait_for_source(s, store, r);
  }
  // While the replica is down, the source writes more WAL than max_slot_wal_keep_size lets the
  // slot keep, and a checkpoint invalidates the slot.
  s.sql("alter system set max_slot_wal_keep_size = '1MB'");
  s.sql("select pg_reload_conf()");
  s.sql("create table filler (x text)");
  for (int i = 0; i < 3; ++i) {
    s.sql("insert into filler select repeat('x', 1000) from generate_series(1, 2000)");
    s.sql("select pg_switch_wal()");
  }
  s.sql("checkpoint");
  s.sql("alter system reset max_slot_wal_keep_size");
  s.sql("select pg_reload_conf()");
  const auto status = s.db->exec(
      "select wal_status from pg_replication_slots where slot_name = "
      "'replica_lost_slot'");
  BOOST_TEST_REQUIRE(std::string(PQgetvalue(status.get(), 0, 0)) == "lost");

  customer_module store(replica_store(dir));
  const auto served = rows_of(store);
  pg::replica r(store, s.options());
  const auto message = error_of(r);
  BOOST_TEST(message.find("cannot read from logical replication slot \"replica_lost_slot\"") !=
                 std::string::npos,
             message);
  BOOST_TEST(message.ends_with("restart it with an empty data directory for a new initial copy"),
             message);
  BOOST_TEST((rows_of(store) == served));
  std::filesystem::remove_all(dir);
}

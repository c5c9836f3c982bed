// replication_stream against the throwaway PostgreSQL 15 cluster of with_cluster.sh
// (CUSTOMERDB_TEST_PG): Medusa's customer tables in a schema of each case's own, a publication
// over them, a slot; the changes of separate transactions arrive decoded, whole and in order;
// a confirmed position survives a reconnection; the server's errors come through.
#include "replication_stream.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "customerdb/postgres/connection.hpp"
#include "customerdb/postgres/pg_error.hpp"
#include "pg_test_support.hpp"

namespace pg = customerdb::postgres;
namespace po = customerdb::postgres::pgoutput;
using stream = pg::replication_stream;
using namespace std::chrono_literals;

namespace {

// The cluster's connection string; `options` are more server settings ("-c name=value").
std::string conninfo(const std::string& options = {}) {
  // The walsender prints timestamps in the session's time zone: fix it.
  return pg::testing::test_cluster() + " options='-c TimeZone=UTC" +
         (options.empty() ? "" : " " + options) + "'";
}

// A schema of the case's own with Medusa's customer and customer_group tables, a publication
// over both (and a table outside it); the slot `name` is dropped at the end when it exists.
struct medusa_schema {
  std::unique_ptr<pg::connection> db;
  std::string name;
  std::string publication;
  std::uint32_t customer_id = 0;
  std::uint32_t group_id = 0;

  explicit medusa_schema(std::string case_name, std::string publication_name = {})
      : db(std::make_unique<pg::connection>(conninfo())),
        name(std::move(case_name)),
        publication(std::move(publication_name)) {
    if (publication.empty()) publication = name + "_pub";
    db->exec("set client_min_messages = warning; drop schema if exists " + name +
             " cascade; create schema " + name + ";" + "create table " + name +
             ".customer (\"id\" text not null primary key, \"company_name\" text null, "
             "\"first_name\" text null, \"last_name\" text null, \"email\" text null, \"phone\" "
             "text null, \"has_account\" boolean not null default false, \"metadata\" jsonb null, "
             "\"created_at\" timestamptz not null default now(), \"updated_at\" timestamptz not "
             "null default now(), \"deleted_at\" timestamptz null, \"created_by\" text null);" +
             "create table " + name +
             ".customer_group (\"id\" text not null primary key, \"name\" text not null, "
             "\"metadata\" jsonb null, \"created_by\" text null, \"created_at\" timestamptz not "
             "null default now(), \"updated_at\" timestamptz not null default now(), "
             "\"deleted_at\" timestamptz null);" +
             "create table " + name + ".unpublished (id int primary key);" + "create publication " +
             db->identifier(publication) + " for table " + name + ".customer, " + name +
             ".customer_group");
    customer_id = oid(name + ".customer");
    group_id = oid(name + ".customer_group");
  }

  ~medusa_schema() {
    try {
      wait_until_inactive();
      db->exec(
          "select pg_drop_replication_slot(slot_name) from pg_replication_slots where "
          "slot_name = $1",
          {name.c_str()});
      db->exec("set client_min_messages = warning; drop publication if exists " +
               db->identifier(publication) + "; drop schema " + name + " cascade");
    } catch (const std::exception& e) {
      BOOST_TEST_MESSAGE("cleanup of " << name << " failed: " << e.what());
    }
  }

  std::uint32_t oid(const std::string& table) {
    const auto r = db->exec("select $1::regclass::oid", {table.c_str()});
    return static_cast<std::uint32_t>(std::stoul(PQgetvalue(r.get(), 0, 0)));
  }

  // A stream that left waits until the server released its slot (the walsender ends on its
  // own time after the connection closes).
  void wait_until_inactive() {
    for (int i = 0; i < 6000; ++i) {
      const auto r =
          db->exec("select active from pg_replication_slots where slot_name = $1", {name.c_str()});
      if (PQntuples(r.get()) == 0 || PQgetvalue(r.get(), 0, 0)[0] == 'f') return;
      std::this_thread::sleep_for(5ms);
    }
    BOOST_FAIL("replication slot " + name + " still active after 30 s");
  }

  std::string slot_confirmed_flush() {
    const auto r =
        db->exec("select confirmed_flush_lsn from pg_replication_slots where slot_name = $1",
                 {name.c_str()});
    BOOST_REQUIRE(PQntuples(r.get()) == 1);
    return PQgetvalue(r.get(), 0, 0);
  }

  void insert_customer(const std::string& id, const std::string& first_name) {
    db->exec("insert into " + name +
                 ".customer (id, first_name, created_at, updated_at) values ($1, $2, "
                 "'2024-05-01 10:00:00+00', '2024-05-01 10:00:00+00')",
             {id.c_str(), first_name.c_str()});
  }
};

stream::xlog_data next_message(stream& s) {
  auto e = s.next(30s);
  BOOST_REQUIRE_MESSAGE(
      std::holds_alternative<stream::xlog_data>(e),
      (std::holds_alternative<stream::timeout>(e) ? "no message in 30 s" : "end of stream"));
  return std::get<stream::xlog_data>(std::move(e));
}

template <class T>
T as(const stream::xlog_data& d) {
  BOOST_REQUIRE_MESSAGE(std::holds_alternative<T>(d.message),
                        "got a " << po::message_name(d.message) << " message");
  return std::get<T>(d.message);
}

// One whole transaction: Begin ... Commit, with its LSNs checked: the messages of WAL records
// in WAL order (Relation messages have none: 0/0).
std::vector<stream::xlog_data> next_transaction(stream& s) {
  std::vector<stream::xlog_data> t{next_message(s)};
  const auto begin = as<po::begin>(t.front());
  pg::lsn last = t.front().wal_start;
  while (!std::holds_alternative<po::commit>(t.back().message)) {
    t.push_back(next_message(s));
    if (std::holds_alternative<po::relation>(t.back().message)) {
      BOOST_TEST(t.back().wal_start == pg::lsn{});
    } else {
      BOOST_REQUIRE(t.back().wal_start >= last);
      last = t.back().wal_start;
    }
  }
  const auto commit = as<po::commit>(t.back());
  BOOST_TEST(commit.commit_lsn == begin.final_lsn);
  BOOST_TEST(commit.end_lsn > commit.commit_lsn);
  BOOST_TEST(commit.commit_time == begin.commit_time);
  return t;
}

// "Begin Relation Insert Commit": the kinds of a transaction's messages.
std::string kinds(const std::vector<stream::xlog_data>& t) {
  std::string s;
  for (const auto& d : t) s += (s.empty() ? "" : " ") + std::string(po::message_name(d.message));
  return s;
}

po::column_value v(std::optional<std::string> text) {
  if (!text) return {po::value_kind::null, {}};
  return {po::value_kind::text, std::move(*text)};
}
const po::column_value null_value{po::value_kind::null, {}};

// Values shown for comparisons that print what differs: 'text', null, unchanged.
std::string show(const po::column_value& c) {
  if (c.kind == po::value_kind::null) return "null";
  if (c.kind == po::value_kind::unchanged) return "unchanged";
  return "'" + c.text + "'";
}
std::string show(const po::tuple& t) {
  std::string s = "(";
  for (const auto& c : t) s += (s.size() > 1 ? ", " : "") + show(c);
  return s + ")";
}

// A customer row as pgoutput sends it (text format, timestamps in UTC).
po::tuple customer_row(const std::string& id, const std::string& first_name) {
  return {v(id),
          null_value,
          v(first_name),
          null_value,
          null_value,
          null_value,
          v("f"),
          null_value,
          v("2024-05-01 10:00:00+00"),
          v("2024-05-01 10:00:00+00"),
          null_value,
          null_value};
}

}  // namespace

BOOST_AUTO_TEST_CASE(identify_system_and_slot_commands) {
  medusa_schema schema("rs_slots");
  stream s(conninfo());
  const auto id = s.identify_system();
  BOOST_TEST(id.system_id != 0u);
  BOOST_TEST(id.timeline == 1u);
  BOOST_TEST(id.xlogpos.valid());
  BOOST_TEST(id.dbname == "postgres");

  const auto slot = s.create_slot(schema.name);
  BOOST_TEST(slot.slot_name == schema.name);
  BOOST_TEST(slot.output_plugin == "pgoutput");
  BOOST_TEST(slot.consistent_point >= id.xlogpos);
  BOOST_TEST(!slot.snapshot_name.empty());
  BOOST_TEST(pg::testing::pg_error_of([&] { s.create_slot(schema.name); }) ==
             "PostgreSQL refused `CREATE_REPLICATION_SLOT \"rs_slots\" LOGICAL pgoutput "
             "(SNAPSHOT 'export')`: ERROR:  replication slot \"rs_slots\" already exists");
  s.drop_slot(schema.name);
  BOOST_TEST(pg::testing::pg_error_of([&] { s.drop_slot(schema.name); }) ==
             "PostgreSQL refused `DROP_REPLICATION_SLOT \"rs_slots\"`: ERROR:  replication slot "
             "\"rs_slots\" does not exist");
  BOOST_TEST(
      pg::testing::pg_error_of([&] { s.next(0ms); }).ends_with(": next() called before start()"));
  BOOST_TEST(pg::testing::pg_error_of([&] {
               s.confirm(pg::lsn{1});
             }).ends_with(": confirm() called before start()"));
}

BOOST_AUTO_TEST_CASE(changes_arrive_decoded_whole_and_in_order) {
  medusa_schema schema("rs_changes");
  stream s(conninfo());
  const auto slot = s.create_slot(schema.name);
  s.start(schema.name, pg::lsn{}, schema.publication);
  auto& db = *schema.db;
  db.exec("set search_path = " + schema.name);

  // 1. Two customers and a group in one transaction.
  db.exec(R"(begin;
    insert into customer values ('cus_1', null, 'Ada', 'Lovelace', 'ada@example.com',
      '+44 20 7946 0000', true, '{"tier": "gold", "n": 1}', '2024-05-01 10:00:00+00',
      '2024-05-01 10:00:00.5+00', null, 'user_1');
    insert into customer (id, first_name, created_at, updated_at)
      values ('cus_2', 'Grace', '2024-05-01 10:00:00+00', '2024-05-01 10:00:00+00');
    insert into customer_group (id, name, created_at, updated_at)
      values ('cusgroup_1', 'VIP', '2024-05-02 00:00:00+00', '2024-05-02 00:00:00+00');
    commit)");
  const auto t1 = next_transaction(s);
  BOOST_REQUIRE(kinds(t1) == "Begin Relation Insert Insert Relation Insert Commit");
  BOOST_TEST(as<po::begin>(t1[0]).final_lsn > slot.consistent_point);
  const auto customer = as<po::relation>(t1[1]);
  BOOST_TEST(customer.relation_id == schema.customer_id);
  BOOST_TEST(customer.namespace_name == schema.name);
  BOOST_TEST(customer.name == "customer");
  BOOST_TEST((customer.replica_identity == po::replica_identity::default_key));
  const std::vector<po::relation_column> customer_columns{
      {1, "id", 25, -1},           {0, "company_name", 25, -1}, {0, "first_name", 25, -1},
      {0, "last_name", 25, -1},    {0, "email", 25, -1},        {0, "phone", 25, -1},
      {0, "has_account", 16, -1},  {0, "metadata", 3802, -1},   {0, "created_at", 1184, -1},
      {0, "updated_at", 1184, -1}, {0, "deleted_at", 1184, -1}, {0, "created_by", 25, -1}};
  BOOST_TEST((customer.columns == customer_columns));
  const auto ada = as<po::insert>(t1[2]);
  BOOST_TEST(ada.relation_id == schema.customer_id);
  BOOST_TEST(show(ada.new_tuple) ==
             show(po::tuple{v("cus_1"), null_value, v("Ada"), v("Lovelace"), v("ada@example.com"),
                            v("+44 20 7946 0000"), v("t"), v(R"({"n": 1, "tier": "gold"})"),
                            v("2024-05-01 10:00:00+00"), v("2024-05-01 10:00:00.5+00"), null_value,
                            v("user_1")}));
  BOOST_TEST(show(as<po::insert>(t1[3]).new_tuple) == show(customer_row("cus_2", "Grace")));
  const auto group = as<po::relation>(t1[4]);
  BOOST_TEST(group.relation_id == schema.group_id);
  BOOST_TEST(group.name == "customer_group");
  BOOST_TEST(group.columns.size() == 7u);
  BOOST_TEST(as<po::insert>(t1[5]).relation_id == schema.group_id);
  BOOST_TEST(show(as<po::insert>(t1[5]).new_tuple) ==
             show(po::tuple{v("cusgroup_1"), v("VIP"), null_value, null_value,
                            v("2024-05-02 00:00:00+00"), v("2024-05-02 00:00:00+00"), null_value}));

  // 2. A transaction on a table outside the publication sends nothing (PostgreSQL 15 skips
  // empty transactions): the next transaction is the update, which sends the new row only.
  db.exec("insert into unpublished values (1)");
  db.exec("update customer set first_name = 'Augusta' where id = 'cus_1'");
  const auto t2 = next_transaction(s);
  BOOST_REQUIRE(kinds(t2) == "Begin Update Commit");
  BOOST_TEST(as<po::begin>(t2[0]).final_lsn > as<po::commit>(t1.back()).end_lsn);
  const auto renamed = as<po::update>(t2[1]);
  BOOST_TEST(renamed.relation_id == schema.customer_id);
  BOOST_TEST((renamed.old_kind == po::old_tuple_kind::none));
  BOOST_TEST(renamed.old_tuple.empty());
  BOOST_TEST(show(renamed.new_tuple[0]) == "'cus_1'");
  BOOST_TEST(show(renamed.new_tuple[2]) == "'Augusta'");

  // 3. A TOASTed value the update leaves alone is not sent ('u').
  db.exec(
      "insert into customer (id, metadata) select 'cus_big', jsonb_object_agg(i, md5(i::text)) "
      "from generate_series(1, 300) i");
  const auto big = next_transaction(s);
  BOOST_REQUIRE(kinds(big) == "Begin Insert Commit");
  BOOST_TEST(as<po::insert>(big[1]).new_tuple[7].text.size() > 10000u);
  db.exec("update customer set first_name = 'Big' where id = 'cus_big'");
  const auto toasted = next_transaction(s);
  BOOST_REQUIRE(kinds(toasted) == "Begin Update Commit");
  const auto kept = as<po::update>(toasted[1]);
  BOOST_TEST(show(kept.new_tuple[2]) == "'Big'");
  BOOST_TEST(show(kept.new_tuple[7]) == "unchanged");

  // 4. A new key: the old key comes along ('K': the key's columns, the rest null).
  db.exec("update customer set id = 'cus_2b' where id = 'cus_2'");
  const auto t3 = next_transaction(s);
  BOOST_REQUIRE(kinds(t3) == "Begin Update Commit");
  const auto rekeyed = as<po::update>(t3[1]);
  BOOST_TEST((rekeyed.old_kind == po::old_tuple_kind::key));
  po::tuple old_key(12, null_value);
  old_key[0] = v("cus_2");
  BOOST_TEST(show(rekeyed.old_tuple) == show(old_key));
  BOOST_TEST(show(rekeyed.new_tuple) == show(customer_row("cus_2b", "Grace")));

  // 5. A delete carries the key.
  db.exec("delete from customer where id = 'cus_2b'");
  const auto t4 = next_transaction(s);
  BOOST_REQUIRE(kinds(t4) == "Begin Delete Commit");
  const auto deleted = as<po::remove>(t4[1]);
  BOOST_TEST(deleted.relation_id == schema.customer_id);
  BOOST_TEST((deleted.old_kind == po::old_tuple_kind::key));
  old_key[0] = v("cus_2b");
  BOOST_TEST(show(deleted.old_tuple) == show(old_key));

  // 6. Truncates: one message naming every relation of the statement, with its options;
  // a truncated table has a new file, so its Relation message comes again first.
  db.exec("truncate customer_group");
  const auto t5 = next_transaction(s);
  BOOST_REQUIRE(kinds(t5) == "Begin Relation Truncate Commit");
  BOOST_TEST(as<po::relation>(t5[1]).relation_id == schema.group_id);
  const auto truncated = as<po::truncate>(t5[2]);
  BOOST_TEST((truncated.relation_ids == std::vector<std::uint32_t>{schema.group_id}));
  BOOST_TEST(!truncated.cascade);
  BOOST_TEST(!truncated.restart_identity);
  db.exec("truncate customer, customer_group restart identity cascade");
  const auto t6 = next_transaction(s);
  BOOST_REQUIRE(kinds(t6) == "Begin Relation Relation Truncate Commit");
  const auto both = as<po::truncate>(t6[3]);
  BOOST_TEST(
      (both.relation_ids == std::vector<std::uint32_t>{schema.customer_id, schema.group_id}));
  BOOST_TEST(both.cascade);
  BOOST_TEST(both.restart_identity);

  // 7. 10,000 rows in one transaction, in order.
  db.exec(
      "insert into customer (id, first_name, created_at, updated_at) select "
      "'cus_' || lpad(i::text, 5, '0'), 'n' || i, '2024-05-01 10:00:00+00', "
      "'2024-05-01 10:00:00+00' from generate_series(1, 10000) i");
  const auto t7 = next_transaction(s);
  BOOST_REQUIRE(t7.size() == 10003u);
  BOOST_TEST(as<po::relation>(t7[1]).relation_id == schema.customer_id);
  for (int i = 1; i <= 10000; ++i) {
    const auto row = as<po::insert>(t7[static_cast<std::size_t>(i) + 1]);
    char id[16];
    std::snprintf(id, sizeof id, "cus_%05d", i);
    if (row.relation_id != schema.customer_id ||
        row.new_tuple != customer_row(id, "n" + std::to_string(i)))
      BOOST_FAIL("row " << i << " differs: " << show(row.new_tuple));
  }
  // The transactions came in commit order.
  const std::vector<const std::vector<stream::xlog_data>*> all{&t1, &t2, &big, &toasted, &t3,
                                                               &t4, &t5, &t6,  &t7};
  for (std::size_t i = 1; i < all.size(); ++i)
    BOOST_TEST(as<po::commit>(all[i - 1]->back()).end_lsn <=
               as<po::begin>(all[i]->front()).final_lsn);
  BOOST_TEST(s.server_wal_end() >= as<po::commit>(t7.back()).end_lsn);
  BOOST_TEST(std::holds_alternative<stream::timeout>(s.next(100ms)));
}

BOOST_AUTO_TEST_CASE(a_confirmed_position_survives_a_reconnection) {
  medusa_schema schema("rs_resume");
  pg::lsn confirmed;
  pg::lsn second_commit;
  {
    stream s(conninfo());
    s.create_slot(schema.name);
    s.start(schema.name, pg::lsn{}, schema.publication);
    schema.insert_customer("cus_a", "A");
    schema.insert_customer("cus_b", "B");
    const auto a = next_transaction(s);
    BOOST_TEST(show(as<po::insert>(a[2]).new_tuple) == show(customer_row("cus_a", "A")));
    confirmed = as<po::commit>(a.back()).end_lsn;
    s.confirm(confirmed);
    BOOST_TEST(s.confirmed() == confirmed);
    // Received, not confirmed: it comes again.
    const auto b = next_transaction(s);
    BOOST_TEST(show(as<po::insert>(b[1]).new_tuple) == show(customer_row("cus_b", "B")));
    second_commit = as<po::commit>(b.back()).commit_lsn;
  }
  schema.insert_customer("cus_c", "C");  // while no one streams
  schema.wait_until_inactive();
  BOOST_TEST(schema.slot_confirmed_flush() == confirmed.to_string());

  pg::lsn last;
  {
    stream s(conninfo());
    s.start(schema.name, confirmed, schema.publication);
    BOOST_TEST(s.confirmed() == confirmed);
    const auto b = next_transaction(s);
    BOOST_REQUIRE(kinds(b) == "Begin Relation Insert Commit");  // a new session
    BOOST_TEST(as<po::begin>(b[0]).final_lsn == second_commit);
    BOOST_TEST(as<po::relation>(b[1]).name == "customer");
    BOOST_TEST(show(as<po::insert>(b[2]).new_tuple) == show(customer_row("cus_b", "B")));
    const auto c = next_transaction(s);
    BOOST_REQUIRE(kinds(c) == "Begin Insert Commit");
    BOOST_TEST(show(as<po::insert>(c[1]).new_tuple) == show(customer_row("cus_c", "C")));
    last = as<po::commit>(c.back()).end_lsn;
    s.confirm(last);
  }
  // From 0/0: the slot's confirmed position; what follows is the next change, nothing older.
  schema.wait_until_inactive();
  stream s(conninfo());
  s.start(schema.name, pg::lsn{}, schema.publication);
  schema.insert_customer("cus_d", "D");
  const auto d = next_transaction(s);
  BOOST_REQUIRE(kinds(d) == "Begin Relation Insert Commit");
  BOOST_TEST(as<po::begin>(d[0]).final_lsn > last);
  BOOST_TEST(show(as<po::insert>(d[2]).new_tuple) == show(customer_row("cus_d", "D")));
}

BOOST_AUTO_TEST_CASE(the_servers_errors_come_through) {
  medusa_schema schema("rs_errors");
  {
    stream s(conninfo());
    s.create_slot(schema.name);
    s.drop_slot(schema.name);
    BOOST_TEST(
        pg::testing::pg_error_of([&] { s.start(schema.name, pg::lsn{}, schema.publication); }) ==
        "PostgreSQL refused `START_REPLICATION SLOT \"rs_errors\" LOGICAL 0/0 "
        "(proto_version '1', publication_names '\"rs_errors_pub\"')`: ERROR:  "
        "replication slot \"rs_errors\" does not exist");
    // Refused, still usable.
    s.create_slot(schema.name);
    s.start(schema.name, pg::lsn{}, schema.publication);
    BOOST_TEST(pg::testing::pg_error_of([&] {
                 s.drop_slot(schema.name);
               }).ends_with(": drop_slot() called while streaming"));
    // The slot is in use.
    stream other(conninfo());
    BOOST_TEST(pg::testing::pg_error_of([&] { other.drop_slot(schema.name); })
                   .starts_with("PostgreSQL refused `DROP_REPLICATION_SLOT \"rs_errors\"`: "
                                "ERROR:  replication slot \"rs_errors\" is active for PID "));
    // The walsender ended by the server: a lost stream.
    schema.db->exec(
        "select pg_terminate_backend(active_pid) from pg_replication_slots where "
        "slot_name = $1",
        {schema.name.c_str()});
    const auto lost = pg::testing::pg_error_of([&] {
      for (;;) s.next(30s);
    });
    BOOST_TEST_MESSAGE("lost: " << lost);
    BOOST_TEST(lost.starts_with("replication stream on "));
    BOOST_TEST(lost.find("FATAL:  terminating connection due to administrator command") !=
               std::string::npos);
    BOOST_TEST(pg::testing::pg_error_of([&] {
                 s.next(0ms);
               }).ends_with(": next() called after the stream failed"));
  }
  // A publication that does not exist fails at the first change (the server decodes lazily).
  schema.wait_until_inactive();
  stream s(conninfo());
  s.start(schema.name, pg::lsn{}, "no_such_pub");
  schema.insert_customer("cus_x", "X");
  const auto missing = pg::testing::pg_error_of([&] {
    for (;;) s.next(30s);
  });
  BOOST_TEST_MESSAGE("missing: " << missing);
  BOOST_TEST(missing.find("ERROR:  publication \"no_such_pub\" does not exist") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_idle_stream_times_out_and_answers_keepalives) {
  // A publication name that needs quoting twice over, and a server that ends a stream which
  // does not answer its keepalives within 300 ms.
  medusa_schema schema("rs_idle", "idle \"pub\" it's");
  stream s(conninfo("-c wal_sender_timeout=300"));
  s.create_slot(schema.name);
  s.start(schema.name, pg::lsn{}, schema.publication);
  BOOST_TEST(std::holds_alternative<stream::timeout>(s.next(50ms)));
  BOOST_TEST(std::holds_alternative<stream::timeout>(s.next(0ms)));
  // The server asks for a reply every 150 ms or so; without one it would end the stream.
  for (int i = 0; i < 600 && s.keepalive_replies() < 3; ++i)
    BOOST_REQUIRE(std::holds_alternative<stream::timeout>(s.next(50ms)));
  BOOST_TEST(s.keepalive_replies() >= 3u);
  BOOST_TEST(s.keepalives() >= s.keepalive_replies());
  schema.insert_customer("cus_1", "One");
  const auto t = next_transaction(s);
  BOOST_TEST(show(as<po::insert>(t[2]).new_tuple) == show(customer_row("cus_1", "One")));
}

BOOST_AUTO_TEST_CASE(the_exported_snapshot_meets_the_stream) {
  medusa_schema schema("rs_snapshot");
  schema.insert_customer("cus_before", "Before");
  stream s(conninfo());
  const auto slot = s.create_slot(schema.name);
  // Imported elsewhere before the next command on the replication connection.
  pg::connection copy(conninfo());
  copy.exec("begin isolation level repeatable read");
  copy.exec("set transaction snapshot " + copy.literal(slot.snapshot_name));
  schema.insert_customer("cus_after", "After");
  const auto r =
      copy.exec("select string_agg(id, ',' order by id) from " + schema.name + ".customer");
  BOOST_TEST(std::string(PQgetvalue(r.get(), 0, 0)) == "cus_before");
  copy.exec("commit");

  s.start(schema.name, slot.consistent_point, schema.publication);
  const auto t = next_transaction(s);
  BOOST_REQUIRE(kinds(t) == "Begin Relation Insert Commit");
  BOOST_TEST(show(as<po::insert>(t[2]).new_tuple) == show(customer_row("cus_after", "After")));
  BOOST_TEST(std::holds_alternative<stream::timeout>(s.next(100ms)));
}

// Last: it restarts the server.
BOOST_AUTO_TEST_CASE(a_server_shutdown_ends_the_stream) {
  const char* bin = std::getenv("CUSTOMERDB_TEST_PG_BIN");
  const char* data = std::getenv("CUSTOMERDB_TEST_PG_DATA");
  const char* run_as = std::getenv("CUSTOMERDB_TEST_PG_RUN_AS");
  BOOST_REQUIRE_MESSAGE(bin && data, "CUSTOMERDB_TEST_PG_BIN and _DATA are not set");
  const std::string pg_ctl =
      (run_as && *run_as ? std::string("runuser -u ") + run_as + " -- " : "") + bin +
      "/pg_ctl -D " + data + " -w ";
  {
    medusa_schema schema("rs_shutdown");
    {
      stream s(conninfo());
      s.create_slot(schema.name);
      s.start(schema.name, pg::lsn{}, schema.publication);
      schema.insert_customer("cus_1", "One");
      const auto t = next_transaction(s);
      // A clean end needs everything sent confirmed: the server waits for it.
      s.confirm(as<po::commit>(t.back()).end_lsn);
      BOOST_REQUIRE(std::system((pg_ctl + "-m fast stop >/dev/null").c_str()) == 0);
      std::string outcome;
      try {
        for (int i = 0; i < 100; ++i) {
          const auto e = s.next(30s);
          if (std::holds_alternative<stream::end_of_stream>(e)) {
            outcome = "end";
            break;
          }
        }
      } catch (const pg::pg_error& e) {
        outcome = e.what();
      }
      BOOST_TEST_MESSAGE("shutdown: " << outcome);
      BOOST_TEST(outcome == "end");
      BOOST_TEST(std::holds_alternative<stream::end_of_stream>(s.next(0ms)));
    }
    BOOST_REQUIRE(
        std::system((pg_ctl + "-l " + data + "/../server.log start >/dev/null").c_str()) == 0);
    schema.db = std::make_unique<pg::connection>(conninfo());  // for the cleanup
  }
}

// customerdb as a peer (customerdb_peer.hpp).
#include "customerdb_peer.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>
#include <thread>

#include "customerdb/postgres/connection.hpp"

namespace customerdb::peers {

namespace {

using customerdb::where;

answer ids_of(const std::vector<customerdb::customer>& rows, std::size_t count = 0) {
  answer a;
  a.count = count;
  for (const auto& c : rows) a.ids.push_back(c.id);
  return a;
}

customerdb::module_options durable_options(const std::filesystem::path& dir) {
  customerdb::module_options o;
  o.persistence.data_dir = dir;
  o.persistence.fsync = customerdb::fsync_policy::always;
  o.persistence.snapshot_interval = std::chrono::seconds(0);  // snapshots only when asked
  o.persistence.snapshot_every_commits = 0;
  o.persistence.keep_snapshots = 1;
  return o;
}

customerdb::create_customer_dto input_of(const new_customer& c) {
  return {.id = c.id, .email = c.email, .first_name = c.first_name};
}

// The replica's slot and publication on the source.
constexpr const char* replication_name = "customerdb_peers";

customerdb::module_options memory_options(const std::string& replica_source) {
  customerdb::module_options o;
  o.replica_of = replica_source;  // empty: an ordinary store
  return o;
}

void update_in_transaction(customerdb::customer_module& db, const std::string& id,
                           const std::string& last_name) {
  auto tx = db.begin_transaction();
  db.update(id, {.last_name = last_name}, tx);
  db.commit(tx);
}

}  // namespace

customerdb_peer::customerdb_peer(std::filesystem::path data_dir, std::string replica_source)
    : data_dir_(std::move(data_dir)),
      replica_source_(std::move(replica_source)),
      memory_(memory_options(replica_source_)) {}

customerdb_peer::~customerdb_peer() {
  if (replica_source_.empty()) return;
  replica_.reset();
  try {  // the walsender may hold the slot for a moment after the replica stopped
    postgres::connection db(replica_source_);
    db.exec("SET client_min_messages = warning");
    for (int i = 0; i < 500; ++i) {
      const auto r = db.exec(fmt::format(
          "SELECT active FROM pg_replication_slots WHERE slot_name = '{}'", replication_name));
      if (PQntuples(r.get()) == 0) break;
      if (PQgetvalue(r.get(), 0, 0)[0] == 'f') {
        db.exec(fmt::format("SELECT pg_drop_replication_slot('{}')", replication_name));
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    db.exec(fmt::format("DROP PUBLICATION IF EXISTS {}", replication_name));
  } catch (const std::exception& e) {
    fmt::print(stderr, "dropping the replica's slot and publication: {}\n", e.what());
  }
}

bool customerdb_peer::supports(op o) const {
  if (replica_source_.empty()) return true;
  switch (o) {  // a replica refuses writes: the reads only
    case op::retrieve:
    case op::list_by_email:
    case op::first_page:
    case op::deep_page:
    case op::group_page:
    case op::company_count:
    case op::search:
      return true;
    default:
      return false;
  }
}

void customerdb_peer::stage(const data_set& data) {
  if (replica_source_.empty()) staged_ = data.records();
}

void customerdb_peer::load(const data_set& data) {
  if (!replica_source_.empty()) {  // the source's tables are loaded: replicate them
    postgres::connection db(replica_source_);
    db.exec("SET client_min_messages = warning");
    db.exec(
        fmt::format("DROP PUBLICATION IF EXISTS {0}; CREATE PUBLICATION {0} FOR TABLE customer, "
                    "customer_group, customer_address, customer_group_customer",
                    replication_name));
    customerdb::postgres::replica_options o;
    o.source = replica_source_;
    o.slot = o.publication = replication_name;
    o.log = [](std::string_view line) { fmt::print(stderr, "replica: {}\n", line); };
    replica_ = std::make_unique<customerdb::postgres::replica>(memory_, std::move(o));
    for (;;) {
      const auto s = replica_->status();
      if (s.state == customerdb::postgres::replica_state::streaming) return;
      if (s.state == customerdb::postgres::replica_state::stale)
        throw std::runtime_error("the replica is stale: " + s.last_error);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  if (!staged_) staged_ = data.records();  // not staged: the copy is part of the load
  memory_.import_records(std::move(*staged_));
  staged_.reset();
}

void customerdb_peer::prepare_durable(const data_set& data) {
  std::filesystem::remove_all(data_dir_);
  durable_ = std::make_unique<customerdb::customer_module>(durable_options(data_dir_));
  durable_->import_records(data.records());
  durable_->snapshot();
}

answer customerdb_peer::retrieve(const std::string& id) {
  const auto c = memory_.retrieve(id);
  return {.ids = {c.id, c.email.value_or(""), c.company_name.value_or("")}, .count = 0};
}

answer customerdb_peer::list_by_email(const std::string& email) {
  return ids_of(memory_.list(where("email") == email));
}

answer customerdb_peer::first_page() { return ids_of(memory_.list()); }

answer customerdb_peer::deep_page(std::size_t skip) {
  return ids_of(memory_.list({}, {.skip = static_cast<std::int64_t>(skip)}));
}

answer customerdb_peer::group_page(const std::string& group_id) {
  return ids_of(memory_.list(where("groups") == group_id));
}

answer customerdb_peer::company_count(const std::string& company) {
  auto [rows, count] = memory_.list_and_count(where("company_name") == company);
  return ids_of(rows, count);
}

answer customerdb_peer::search(const std::string& text) {
  auto [rows, count] = memory_.list_and_count(customerdb::search(text));
  return ids_of(rows, count);
}

void customerdb_peer::create(const new_customer& c) { memory_.create(input_of(c)); }

void customerdb_peer::update_tx(const std::string& id, const std::string& last_name) {
  update_in_transaction(memory_, id, last_name);
}

void customerdb_peer::durable_create(const new_customer& c) { durable_->create(input_of(c)); }

void customerdb_peer::durable_update(const std::string& id, const std::string& last_name) {
  update_in_transaction(*durable_, id, last_name);
}

// The durable store takes commits from any thread: the writers are this peer itself.
void customerdb_peer::open_writers(int) {}

void customerdb_peer::durable_create_on(int, const new_customer& c) { durable_create(c); }

void customerdb_peer::close_writers() {}

void customerdb_peer::save() { durable_->snapshot(); }

void customerdb_peer::wait_for_customer(const std::string& id) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (memory_.list(where("id") == id).empty()) {
    const auto s = replica_->status();
    if (s.state == customerdb::postgres::replica_state::stale)
      throw std::runtime_error("the replica is stale: " + s.last_error);
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("customer " + id + " did not reach the replica within a minute");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::vector<std::string> customerdb_peer::restart_arguments() {
  // The data directory is locked while a store has it open: close ours (the last save left a
  // snapshot covering every commit).
  durable_.reset();
  return {"customerdb", data_dir_.string()};
}

answer customerdb_first_page_after_open(const std::filesystem::path& dir) {
  customerdb::module_options o;
  o.persistence.data_dir = dir;
  o.persistence.snapshot_interval = std::chrono::seconds(0);
  o.persistence.snapshot_every_commits = 0;
  // Never destroyed: the child exits as soon as it has answered (restart.cpp).
  auto* db = new customerdb::customer_module(std::move(o));
  return ids_of(db->list());
}

}  // namespace customerdb::peers

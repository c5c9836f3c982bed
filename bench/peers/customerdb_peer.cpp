// customerdb as a peer (customerdb_peer.hpp).
#include "customerdb_peer.hpp"

#include <fmt/format.h>

#include <string_view>

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

void update_in_transaction(customerdb::customer_module& db, const std::string& id,
                           const std::string& last_name) {
  auto tx = db.begin_transaction();
  db.update(id, {.last_name = last_name}, tx);
  db.commit(tx);
}

}  // namespace

customerdb_peer::customerdb_peer(std::filesystem::path data_dir) : data_dir_(std::move(data_dir)) {}

void customerdb_peer::stage(const data_set& data) { staged_ = data.records(); }

void customerdb_peer::load(const data_set& data) {
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

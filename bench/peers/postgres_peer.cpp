// PostgreSQL as a peer (postgres_peer.hpp).
#include "postgres_peer.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "customerdb/postgres/medusa_tables.hpp"

namespace customerdb::peers {

namespace {

std::string iso(customerdb::timestamp t) { return customerdb::to_iso8601(t); }

// The rows of a query result: every column copied out (as a driver hands rows to its caller),
// the ids answered.
answer rows_of(const postgres::result& r) {
  answer a;
  const int n = PQntuples(r.get()), columns = PQnfields(r.get());
  std::vector<std::string> row(static_cast<std::size_t>(columns));
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < columns; ++c)
      row[static_cast<std::size_t>(c)].assign(PQgetvalue(r.get(), i, c),
                                              static_cast<std::size_t>(PQgetlength(r.get(), i, c)));
    a.ids.push_back(row[0]);
  }
  return a;
}

std::size_t count_of(const postgres::result& r) {
  return static_cast<std::size_t>(std::stoull(PQgetvalue(r.get(), 0, 0)));
}

void insert(postgres::connection& c, const new_customer& x) {
  const auto at = iso(x.at);
  c.exec_prepared("insert_customer",
                  {x.id.c_str(), x.email.c_str(), x.first_name.c_str(), at.c_str()});
}

void update_in_transaction(postgres::connection& c, const std::string& id,
                           const std::string& last_name) {
  const auto at = iso(customerdb::now());
  c.exec("BEGIN");
  const auto r = c.exec_prepared("update_customer", {id.c_str(), last_name.c_str(), at.c_str()});
  if (PQntuples(r.get()) != 1) {
    c.exec("ROLLBACK");
    throw std::runtime_error("PostgreSQL update found no customer " + id);
  }
  rows_of(r);
  c.exec("COMMIT");
}

}  // namespace

postgres_peer::postgres_peer(std::string conninfo) : conninfo_(std::move(conninfo)) {}

postgres_peer::~postgres_peer() = default;

std::unique_ptr<postgres::connection> postgres_peer::connect(bool synchronous_commit) {
  auto c = std::make_unique<postgres::connection>(conninfo_);
  c->exec(fmt::format("SET synchronous_commit = {}", synchronous_commit ? "on" : "off"));
  const auto q = queries(dialect::postgres);
  for (const auto& [name, sql] : std::initializer_list<std::pair<const char*, const std::string*>>{
           {"retrieve", &q.retrieve},
           {"by_email", &q.by_email},
           {"first_page", &q.first_page},
           {"deep_page", &q.deep_page},
           {"group_page", &q.group_page},
           {"company_page", &q.company_page},
           {"company_count", &q.company_count},
           {"search_page", &q.search_page},
           {"search_count", &q.search_count},
           {"insert_customer", &q.insert_customer},
           {"update_customer", &q.update_customer}})
    c->prepare(name, *sql);
  return c;
}

void postgres_peer::load(const data_set& data) {
  customers_ = data.customers();
  {
    postgres::connection setup(conninfo_);
    const auto collation =
        setup.exec("SELECT datcollate FROM pg_database WHERE datname = current_database()");
    const std::string collate = PQgetvalue(collation.get(), 0, 0);
    if (collate != "C" && collate != "POSIX")
      throw std::runtime_error(fmt::format(
          "PostgreSQL: the database's collation is {}, not C: ORDER BY id would not sort as "
          "customerdb does. Use a cluster made with initdb --no-locale (scripts/bench-peers).",
          collate));
    setup.exec("SET client_min_messages = warning");  // no NOTICE for tables not there yet
    setup.exec(
        "DROP TABLE IF EXISTS customer_group_customer, customer_address, customer_group, "
        "customer CASCADE");
  }
  // Medusa's v2 tables, made and filled as `customerdb pg export` makes and fills them: the
  // DDL of Medusa's migrations, COPY in one transaction, keys and indexes after the rows.
  const auto& r = data.records();
  customerdb::postgres::write_medusa_tables(conninfo_,
                                            [&](const customerdb::record_visitor& visit) {
                                              for (const auto& g : r.customer_groups) visit(g);
                                              for (const auto& x : r.customers) visit(x);
                                              for (const auto& a : r.customer_addresses) visit(a);
                                              for (const auto& m : r.customer_group_customers)
                                                visit(m);
                                            });
  main_ = connect(false);
  auto& c = *main_;
  c.exec("ANALYZE");
}

void postgres_peer::prepare_durable(const data_set&) { durable_ = connect(true); }

answer postgres_peer::retrieve(const std::string& id) {
  const auto r = main_->exec_prepared("retrieve", {id.c_str()});
  auto a = rows_of(r);
  if (a.ids.size() != 1) throw std::runtime_error("PostgreSQL: no customer " + id);
  a.ids.emplace_back(PQgetvalue(r.get(), 0, 4));  // email
  a.ids.emplace_back(PQgetvalue(r.get(), 0, 1));  // company_name
  return a;
}

answer postgres_peer::list_by_email(const std::string& email) {
  return rows_of(main_->exec_prepared("by_email", {email.c_str()}));
}

answer postgres_peer::first_page() { return rows_of(main_->exec_prepared("first_page", {})); }

answer postgres_peer::deep_page(std::size_t skip) {
  const auto offset = std::to_string(skip);
  return rows_of(main_->exec_prepared("deep_page", {offset.c_str()}));
}

answer postgres_peer::group_page(const std::string& group_id) {
  return rows_of(main_->exec_prepared("group_page", {group_id.c_str()}));
}

answer postgres_peer::company_count(const std::string& company) {
  auto a = rows_of(main_->exec_prepared("company_page", {company.c_str()}));
  a.count = count_of(main_->exec_prepared("company_count", {company.c_str()}));
  return a;
}

answer postgres_peer::search(const std::string& text) {
  const auto pattern = "%" + text + "%";
  auto a = rows_of(main_->exec_prepared("search_page", {pattern.c_str()}));
  a.count = count_of(main_->exec_prepared("search_count", {pattern.c_str()}));
  return a;
}

void postgres_peer::create(const new_customer& c) { insert(*main_, c); }

void postgres_peer::update_tx(const std::string& id, const std::string& last_name) {
  update_in_transaction(*main_, id, last_name);
}

void postgres_peer::durable_create(const new_customer& c) { insert(*durable_, c); }

void postgres_peer::durable_update(const std::string& id, const std::string& last_name) {
  update_in_transaction(*durable_, id, last_name);
}

void postgres_peer::open_writers(int n) {
  for (int w = 0; w < n; ++w) writers_.push_back(connect(true));
}

void postgres_peer::durable_create_on(int writer, const new_customer& c) {
  insert(*writers_[static_cast<std::size_t>(writer)], c);
}

void postgres_peer::close_writers() { writers_.clear(); }

std::optional<double> postgres_peer::stored_bytes_per_customer() {
  const auto r = main_->exec(
      "SELECT pg_total_relation_size('customer') + pg_total_relation_size('customer_group') + "
      "pg_total_relation_size('customer_address') + "
      "pg_total_relation_size('customer_group_customer')");
  return std::stod(PQgetvalue(r.get(), 0, 0)) / static_cast<double>(customers_);
}

}  // namespace customerdb::peers

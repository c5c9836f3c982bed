// SQLite as a peer (sqlite_peer.hpp).
#include "sqlite_peer.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <stdexcept>

#include "sql_text.hpp"

namespace customerdb::peers {

namespace {

std::string iso(customerdb::timestamp t) { return customerdb::to_iso8601(t); }

// fsyncs a file or directory; throws naming it.
void fsync_path(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(fmt::format("fsync {} failed", path.string()));
  }
  ::close(fd);
}

// Binds one parameter: text, NULL for no text, a boolean as 0 or 1.
void bind_value(sqlite_statement& s, int index, const std::string& v) {
  s.bind(index, std::string_view(v));
}
void bind_value(sqlite_statement& s, int index, const std::optional<std::string>& v) {
  if (v)
    bind_value(s, index, *v);
  else
    s.bind_null(index);
}
void bind_value(sqlite_statement& s, int index, bool v) { s.bind(index, std::int64_t{v}); }

// Binds `values` to ?1, ?2, ... in order and runs the statement to its end.
template <class... Values>
void run_with(sqlite_statement& s, const Values&... values) {
  int index = 0;
  (bind_value(s, ++index, values), ...);
  s.run();
}

// Runs `sql` once for each element of `rows`, by `insert(statement, row)`.
template <class Row, class Insert>
void insert_rows(sqlite_connection& c, const std::string& sql, const std::vector<Row>& rows,
                 Insert insert) {
  sqlite_statement s(c.handle(), sql);
  for (const auto& row : rows) insert(s, row);
}

}  // namespace

// A connection and the statements of every operation, prepared once.
struct sqlite_peer::database {
  explicit database(const std::string& path) : connection(path), q(queries(dialect::sqlite)) {}

  // Prepares the statements (after the schema exists).
  void prepare() {
    auto p = [&](const std::string& sql) {
      return std::make_unique<sqlite_statement>(connection.handle(), sql);
    };
    retrieve = p(q.retrieve);
    by_email = p(q.by_email);
    first_page = p(q.first_page);
    deep_page = p(q.deep_page);
    group_page = p(q.group_page);
    company_page = p(q.company_page);
    company_count = p(q.company_count);
    search_page = p(q.search_page);
    search_count = p(q.search_count);
    insert_customer = p(q.insert_customer);
    update_customer = p(q.update_customer);
    begin = p("BEGIN");
    commit = p("COMMIT");
  }

  // Runs a prepared query; copies every column of every row out (as a driver hands rows to its
  // caller) and answers the rows' ids.
  answer rows(sqlite_statement& s) {
    answer a;
    while (s.step()) {
      for (int c = 0; c < s.columns(); ++c) row[static_cast<std::size_t>(c)].assign(s.text(c));
      a.ids.push_back(row[0]);
    }
    s.reset();
    return a;
  }

  std::size_t count(sqlite_statement& s) {
    if (!s.step()) throw std::runtime_error("no row from " + s.sql());
    const auto n = static_cast<std::size_t>(s.integer(0));
    s.reset();
    return n;
  }

  void insert(const new_customer& c) {
    run_with(*insert_customer, c.id, c.email, c.first_name, iso(c.at));
  }

  void update(const std::string& id, const std::string& last_name) {
    const auto at = iso(customerdb::now());
    begin->run();
    update_customer->bind(1, std::string_view(id))
        .bind(2, std::string_view(last_name))
        .bind(3, std::string_view(at));
    if (rows(*update_customer).ids.size() != 1) {
      connection.exec("ROLLBACK");
      throw std::runtime_error("SQLite update found no customer " + id);
    }
    commit->run();
  }

  sqlite_connection connection;
  query_texts q;
  std::vector<std::string> row = std::vector<std::string>(16);
  std::unique_ptr<sqlite_statement> retrieve, by_email, first_page, deep_page, group_page,
      company_page, company_count, search_page, search_count, insert_customer, update_customer,
      begin, commit;
};

sqlite_peer::sqlite_peer(std::filesystem::path work_dir) : work_dir_(std::move(work_dir)) {}

sqlite_peer::~sqlite_peer() = default;

void sqlite_peer::load(const data_set& data) {
  memory_ = std::make_unique<database>(":memory:");
  auto& c = memory_->connection;
  c.exec("PRAGMA foreign_keys = ON");
  for (const auto& s : sqlite_schema_statements()) c.exec(s);
  c.exec("BEGIN");
  const auto& r = data.records();
  insert_rows(c,
              "INSERT INTO customer_group (id, name, metadata, created_by, created_at, "
              "updated_at) VALUES (?1, ?2, NULL, NULL, ?3, ?4)",
              r.customer_groups,
              [](sqlite_statement& s, const customerdb::customer_group_record& g) {
                run_with(s, g.id, g.name, iso(g.created_at), iso(g.updated_at));
              });
  insert_rows(c,
              "INSERT INTO customer (id, company_name, first_name, last_name, email, phone, "
              "has_account, metadata, created_by, created_at, updated_at, deleted_at) VALUES "
              "(?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, NULL, ?8, ?9, NULL)",
              r.customers, [](sqlite_statement& s, const customerdb::customer_record& x) {
                run_with(s, x.id, x.company_name, x.first_name, x.last_name, x.email, x.phone,
                         x.has_account, iso(x.created_at), iso(x.updated_at));
              });
  insert_rows(c,
              "INSERT INTO customer_address (id, customer_id, address_name, is_default_shipping, "
              "is_default_billing, company, first_name, last_name, address_1, address_2, city, "
              "country_code, province, postal_code, phone, metadata, created_at, updated_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, NULL, "
              "?16, ?17)",
              r.customer_addresses,
              [](sqlite_statement& s, const customerdb::customer_address_record& a) {
                run_with(s, a.id, a.customer_id, a.address_name, a.is_default_shipping,
                         a.is_default_billing, a.company, a.first_name, a.last_name, a.address_1,
                         a.address_2, a.city, a.country_code, a.province, a.postal_code, a.phone,
                         iso(a.created_at), iso(a.updated_at));
              });
  insert_rows(c,
              "INSERT INTO customer_group_customer (id, customer_id, customer_group_id, "
              "metadata, created_by, created_at, updated_at) VALUES (?1, ?2, ?3, NULL, NULL, "
              "?4, ?5)",
              r.customer_group_customers,
              [](sqlite_statement& s, const customerdb::customer_group_customer_record& m) {
                run_with(s, m.id, m.customer_id, m.customer_group_id, iso(m.created_at),
                         iso(m.updated_at));
              });
  c.exec("COMMIT");
  c.exec("ANALYZE");
  memory_->prepare();
}

void sqlite_peer::prepare_durable(const data_set&) {
  std::filesystem::create_directories(work_dir_);
  for (const char* f :
       {"durable.sqlite", "durable.sqlite-wal", "durable.sqlite-shm", "saved.sqlite"})
    std::filesystem::remove(work_dir_ / f);
  const auto path = (work_dir_ / "durable.sqlite").string();
  {
    sqlite_connection file(path);
    file.copy_from(memory_->connection);
  }
  durable_ = std::make_unique<database>(path);
  auto& c = durable_->connection;
  c.exec("PRAGMA journal_mode = WAL");
  c.exec("PRAGMA synchronous = FULL");
  c.exec("PRAGMA foreign_keys = ON");
  durable_->prepare();
}

answer sqlite_peer::retrieve(const std::string& id) {
  memory_->retrieve->bind(1, std::string_view(id));
  auto a = memory_->rows(*memory_->retrieve);
  if (a.ids.size() != 1) throw std::runtime_error("SQLite: no customer " + id);
  a.ids.push_back(memory_->row[4]);  // email
  a.ids.push_back(memory_->row[1]);  // company_name
  return a;
}

answer sqlite_peer::list_by_email(const std::string& email) {
  memory_->by_email->bind(1, std::string_view(email));
  return memory_->rows(*memory_->by_email);
}

answer sqlite_peer::first_page() { return memory_->rows(*memory_->first_page); }

answer sqlite_peer::deep_page(std::size_t skip) {
  memory_->deep_page->bind(1, static_cast<std::int64_t>(skip));
  return memory_->rows(*memory_->deep_page);
}

answer sqlite_peer::group_page(const std::string& group_id) {
  memory_->group_page->bind(1, std::string_view(group_id));
  return memory_->rows(*memory_->group_page);
}

answer sqlite_peer::company_count(const std::string& company) {
  memory_->company_page->bind(1, std::string_view(company));
  auto a = memory_->rows(*memory_->company_page);
  memory_->company_count->bind(1, std::string_view(company));
  a.count = memory_->count(*memory_->company_count);
  return a;
}

answer sqlite_peer::search(const std::string& text) {
  const auto pattern = "%" + text + "%";
  memory_->search_page->bind(1, std::string_view(pattern));
  auto a = memory_->rows(*memory_->search_page);
  memory_->search_count->bind(1, std::string_view(pattern));
  a.count = memory_->count(*memory_->search_count);
  return a;
}

void sqlite_peer::create(const new_customer& c) { memory_->insert(c); }

void sqlite_peer::update_tx(const std::string& id, const std::string& last_name) {
  memory_->update(id, last_name);
}

void sqlite_peer::durable_create(const new_customer& c) { durable_->insert(c); }

void sqlite_peer::durable_update(const std::string& id, const std::string& last_name) {
  durable_->update(id, last_name);
}

void sqlite_peer::open_writers(int n) {
  for (int w = 0; w < n; ++w) {
    auto db = std::make_unique<database>((work_dir_ / "durable.sqlite").string());
    db->connection.exec("PRAGMA busy_timeout = 600000");
    db->connection.exec("PRAGMA synchronous = FULL");
    db->connection.exec("PRAGMA foreign_keys = ON");
    db->prepare();
    writers_.push_back(std::move(db));
  }
}

void sqlite_peer::durable_create_on(int writer, const new_customer& c) {
  const std::lock_guard turn(write_turn_);
  writers_[static_cast<std::size_t>(writer)]->insert(c);
}

void sqlite_peer::close_writers() { writers_.clear(); }

void sqlite_peer::save() {
  const auto path = work_dir_ / "saved.sqlite";
  std::filesystem::remove(path);
  {
    sqlite_connection file(path.string());
    file.exec("PRAGMA synchronous = FULL");
    file.copy_from(memory_->connection);
  }
  fsync_path(path);
  fsync_path(work_dir_);
}

std::vector<std::string> sqlite_peer::restart_arguments() {
  return {"sqlite", (work_dir_ / "saved.sqlite").string()};
}

answer sqlite_first_page_after_open(const std::filesystem::path& file) {
  sqlite_connection saved(file.string(), SQLITE_OPEN_READONLY);
  // Never destroyed: the child exits as soon as it has answered (restart.cpp).
  auto* db = new sqlite_peer::database(":memory:");
  db->connection.copy_from(saved);
  db->prepare();
  return db->rows(*db->first_page);
}

}  // namespace customerdb::peers

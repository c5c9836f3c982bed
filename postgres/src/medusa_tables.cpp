#include "customerdb/postgres/medusa_tables.hpp"

#include <fmt/format.h>

#include <chrono>
#include <variant>

#include "connection.hpp"
#include "copy_text.hpp"
#include "medusa_schema.hpp"
#include "record_lines.hpp"

namespace customerdb::postgres {

namespace {

// Reports progress at most ten times a second, and at the end of each table.
class progress_reporter {
 public:
  explicit progress_reporter(const progress_callback& callback) : callback_(callback) {}

  void row(std::string_view table, std::uint64_t rows, std::uint64_t bytes) {
    if (!callback_ || (rows & 1023) != 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    callback_({table, rows, bytes});
  }
  void table_done(std::string_view table, std::uint64_t rows, std::uint64_t bytes) {
    if (callback_) callback_({table, rows, bytes});
  }

 private:
  const progress_callback& callback_;
  std::chrono::steady_clock::time_point last_{};
};

// Reads Record's table into `rows`; returns its row count.
template <class Record>
std::size_t read_table(connection& db, schema_generation g, staged_rows& rows,
                       progress_reporter& progress, std::uint64_t& bytes) {
  std::vector<std::optional<std::string>> fields;
  std::size_t count = 0;
  db.copy_out(fmt::format(R"(COPY (SELECT {} FROM "{}") TO STDOUT)", select_list<Record>(g),
                          table_of<Record>),
              [&](std::string_view line) {
                bytes += line.size() + 1;
                split_copy_line(line, fields);
                rows.add(parse_line<Record>(fields, g));
                progress.row(table_of<Record>, ++count, bytes);
              });
  progress.table_done(table_of<Record>, count, bytes);
  return count;
}

}  // namespace

read_result read_medusa_tables(const std::string& conninfo, staged_rows& rows,
                               const progress_callback& progress) {
  connection db(conninfo);
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  const auto generation = inspect_medusa_tables(db);
  if (!generation)
    throw pg_error(fmt::format(
        "{} has none of Medusa's customer tables (customer, customer_group, customer_address, "
        "customer_group_customer) in schema {}",
        db.name(), PQgetvalue(db.exec("SELECT current_schema()").get(), 0, 0)));
  read_result result{*generation, {}};
  progress_reporter reporter(progress);
  std::uint64_t bytes = 0;
  result.rows.customer_groups =
      read_table<customer_group_record>(db, *generation, rows, reporter, bytes);
  result.rows.customers = read_table<customer_record>(db, *generation, rows, reporter, bytes);
  result.rows.customer_addresses =
      read_table<customer_address_record>(db, *generation, rows, reporter, bytes);
  result.rows.customer_group_customers =
      read_table<customer_group_customer_record>(db, *generation, rows, reporter, bytes);
  db.exec("COMMIT");
  return result;
}

namespace {

constexpr std::string_view table_names[] = {"customer_group", "customer", "customer_address",
                                             "customer_group_customer"};

// Streams the visited records into one COPY per table, in the visiting order.
class table_writer {
 public:
  table_writer(connection& db, schema_generation g, progress_reporter& progress)
      : db_(db), generation_(g), progress_(progress) {}

  template <class Record>
  void add(const Record& r, std::size_t& count) {
    constexpr std::string_view table = table_of<Record>;
    if (table != current_) switch_to<Record>();
    append_line(buffer_, r, generation_);
    ++count;
    progress_.row(table, count, bytes_ + buffer_.size());
    if (buffer_.size() >= (1 << 16)) flush();
  }

  // Ends the COPY under way.
  void finish(const table_counts& counts) {
    if (current_.empty()) return;
    flush();
    db_.copy_end();
    progress_.table_done(current_, count_of(counts, current_), bytes_);
    current_ = {};
  }

  void abort() noexcept {
    if (!current_.empty()) db_.copy_abort();
    current_ = {};
  }

 private:
  static std::size_t count_of(const table_counts& c, std::string_view table) {
    if (table == "customer_group") return c.customer_groups;
    if (table == "customer") return c.customers;
    if (table == "customer_address") return c.customer_addresses;
    return c.customer_group_customers;
  }

  template <class Record>
  void switch_to() {
    if (!current_.empty()) {
      flush();
      db_.copy_end();
    }
    current_ = table_of<Record>;
    db_.copy_begin(fmt::format(R"(COPY "{}" {} FROM STDIN)", table_of<Record>,
                               column_list<Record>(generation_)));
  }

  void flush() {
    db_.copy_put(buffer_);
    bytes_ += buffer_.size();
    buffer_.clear();
  }

  connection& db_;
  schema_generation generation_;
  progress_reporter& progress_;
  std::string_view current_;
  std::string buffer_;
  std::uint64_t bytes_ = 0;
};

}  // namespace

write_result write_medusa_tables(const std::string& conninfo,
                                 const std::function<void(const record_visitor&)>& records,
                                 const write_options& options) {
  connection db(conninfo);
  db.exec("BEGIN");
  write_result result;
  if (const auto found = inspect_medusa_tables(db)) {
    result.generation = *found;
    std::string rows_there;
    for (const auto table : table_names) {
      const auto r = db.exec(fmt::format(R"(SELECT count(*) FROM "{}")", table));
      const std::string count = PQgetvalue(r.get(), 0, 0);
      if (count != "0")
        rows_there += fmt::format("{}{} rows in {}", rows_there.empty() ? "" : ", ", count, table);
    }
    if (!rows_there.empty()) {
      if (options.non_empty == non_empty_tables::refuse)
        throw pg_error(fmt::format("the customer tables of {} are not empty ({}): nothing was "
                                   "written; ask to append to or replace their rows",
                                   db.name(), rows_there));
      if (options.non_empty == non_empty_tables::replace)
        db.exec(R"(TRUNCATE "customer_group_customer", "customer_address", "customer", )"
                R"("customer_group")");
    }
  } else {
    result.generation = options.create;
    result.created = true;
    for (const auto& statement : medusa_ddl(options.create)) db.exec(statement);
  }
  progress_reporter reporter(options.progress);
  table_writer writer(db, result.generation, reporter);
  auto& n = result.rows;
  try {
    records([&](const record& r) {
      std::visit(
          [&](const auto& row) {
            using R = std::decay_t<decltype(row)>;
            if constexpr (std::is_same_v<R, customer_group_record>) writer.add(row, n.customer_groups);
            else if constexpr (std::is_same_v<R, customer_record>) writer.add(row, n.customers);
            else if constexpr (std::is_same_v<R, customer_address_record>)
              writer.add(row, n.customer_addresses);
            else writer.add(row, n.customer_group_customers);
          },
          r);
    });
    writer.finish(n);
  } catch (...) {
    writer.abort();
    throw;
  }
  db.exec("COMMIT");
  return result;
}

}  // namespace customerdb::postgres

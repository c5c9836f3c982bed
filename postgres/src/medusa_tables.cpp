#include "customerdb/postgres/medusa_tables.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <variant>

#include "customerdb/postgres/connection.hpp"
#include "copy_text.hpp"
#include "medusa_schema.hpp"
#include "record_lines.hpp"

namespace customerdb::postgres {

namespace {

// Reports progress at most ten times a second, and at the end of each table. Thread-safe:
// tables are read on several threads at once; the callback is called by one at a time. After
// cancel(), row() throws, which stops the readers still running.
class progress_reporter {
 public:
  explicit progress_reporter(const progress_callback& callback) : callback_(callback) {}

  // Counts `bytes` more of COPY text.
  void add_bytes(std::uint64_t bytes) noexcept { bytes_ += bytes; }
  // Reports `rows` rows of `table` so far, now and then.
  void row(std::string_view table, std::uint64_t rows) {
    if ((rows & 1023) != 0) return;
    if (cancelled_) throw pg_error("cancelled");
    if (!callback_) return;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    callback_({table, rows, bytes_});
  }
  void table_done(std::string_view table, std::uint64_t rows) {
    if (!callback_) return;
    std::lock_guard lock(mutex_);
    callback_({table, rows, bytes_});
  }
  void cancel() noexcept { cancelled_ = true; }

 private:
  const progress_callback& callback_;
  std::mutex mutex_;
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<bool> cancelled_{false};
  std::chrono::steady_clock::time_point last_{};
};

// Reads Record's table into `rows`; returns its row count.
template <class Record>
std::size_t read_table(connection& db, schema_generation g, staged_rows& rows,
                       progress_reporter& progress) {
  std::vector<std::optional<std::string>> fields;
  std::size_t count = 0;
  db.copy_out(fmt::format(R"(COPY (SELECT {} FROM "{}") TO STDOUT)", select_list<Record>(g),
                          table_of<Record>),
              [&](std::string_view line) {
                split_copy_line(line, fields);
                rows.add(parse_line<Record>(fields, g));
                progress.add_bytes(line.size() + 1);
                progress.row(table_of<Record>, ++count);
              });
  progress.table_done(table_of<Record>, count);
  return count;
}

// Reads Record's table on a connection of its own, in the snapshot `snapshot` that the first
// connection's transaction exported.
template <class Record>
std::size_t read_table_in_snapshot(const std::string& conninfo, const std::string& snapshot,
                                   schema_generation g, staged_rows& rows,
                                   progress_reporter& progress) {
  connection db(conninfo);
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  db.exec("SET TRANSACTION SNAPSHOT " + db.literal(snapshot));
  const auto count = read_table<Record>(db, g, rows, progress);
  db.exec("COMMIT");
  return count;
}

}  // namespace

read_result read_medusa_tables(const std::string& conninfo, staged_rows& rows,
                               const progress_callback& progress,
                               const std::string& given_snapshot) {
  connection db(conninfo);
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!given_snapshot.empty()) db.exec("SET TRANSACTION SNAPSHOT " + db.literal(given_snapshot));
  const auto generation = inspect_medusa_tables(db);
  if (!generation)
    throw pg_error(fmt::format(
        "{} has none of Medusa's customer tables (customer, customer_group, customer_address, "
        "customer_group_customer) in schema {}",
        db.name(), current_schema(db)));
  read_result result{*generation, {}};
  progress_reporter reporter(progress);
  // Addresses and memberships are read beside groups and customers, on connections of their
  // own that share this transaction's snapshot: one consistent picture, decoded on more than
  // one core.
  const std::string snapshot = given_snapshot.empty()
                                   ? PQgetvalue(db.exec("SELECT pg_export_snapshot()").get(), 0, 0)
                                   : given_snapshot;
  staged_rows addresses;
  staged_rows memberships;
  std::exception_ptr failures[3];
  const auto guarded = [&](std::exception_ptr& failure, auto&& read) {
    try {
      read();
    } catch (...) {
      failure = std::current_exception();
      reporter.cancel();  // the other readers stop at their next batch of rows
    }
  };
  std::thread address_reader(guarded, std::ref(failures[1]), [&] {
    result.rows.customer_addresses = read_table_in_snapshot<customer_address_record>(
        conninfo, snapshot, *generation, addresses, reporter);
  });
  std::thread membership_reader(guarded, std::ref(failures[2]), [&] {
    result.rows.customer_group_customers = read_table_in_snapshot<customer_group_customer_record>(
        conninfo, snapshot, *generation, memberships, reporter);
  });
  guarded(failures[0], [&] {
    result.rows.customer_groups =
        read_table<customer_group_record>(db, *generation, rows, reporter);
    result.rows.customers = read_table<customer_record>(db, *generation, rows, reporter);
  });
  address_reader.join();
  membership_reader.join();
  // The first failure that is not another reader's cancellation.
  for (const auto& f : failures) {
    if (!f) continue;
    try {
      std::rethrow_exception(f);
    } catch (const pg_error& e) {
      if (std::string_view(e.what()) != "cancelled") throw;
    }
  }
  db.exec("COMMIT");
  rows.append(std::move(addresses));
  rows.append(std::move(memberships));
  return result;
}

namespace {

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
    progress_.row(table, count);
    if (buffer_.size() >= (1 << 16)) flush();
  }

  // Ends the COPY under way.
  void finish(const table_counts& counts) {
    if (current_.empty()) return;
    flush();
    db_.copy_end();
    progress_.table_done(current_, count_of(counts, current_));
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
    progress_.add_bytes(buffer_.size());
    buffer_.clear();
  }

  connection& db_;
  schema_generation generation_;
  progress_reporter& progress_;
  std::string_view current_;
  std::string buffer_;
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
    for (const auto table : medusa_table_names) {
      const auto r = db.exec(fmt::format(R"(SELECT count(*) FROM "{}")", table));
      const std::string count = PQgetvalue(r.get(), 0, 0);
      if (count != "0")
        rows_there += fmt::format("{}{} rows in {}", rows_there.empty() ? "" : ", ", count, table);
    }
    if (!rows_there.empty()) {
      if (options.non_empty == non_empty_tables::refuse)
        throw pg_error(
            fmt::format("the customer tables of {} are not empty ({}): nothing was "
                        "written; ask to append to or replace their rows",
                        db.name(), rows_there));
      if (options.non_empty == non_empty_tables::replace)
        db.exec(R"(TRUNCATE "customer_group_customer", "customer_address", "customer", )"
                R"("customer_group")");
    }
  } else {
    result.generation = options.create;
    result.created = true;
  }
  // Tables it creates get their keys, indexes and foreign keys after the rows (each index
  // built once; the foreign keys checked in one pass), in the same transaction.
  const auto ddl = medusa_ddl(options.create);
  if (result.created)
    for (const auto& statement : ddl.tables) db.exec(statement);
  progress_reporter reporter(options.progress);
  table_writer writer(db, result.generation, reporter);
  auto& n = result.rows;
  try {
    records([&](const record& r) {
      std::visit(
          [&](const auto& row) {
            using R = std::decay_t<decltype(row)>;
            if constexpr (std::is_same_v<R, customer_group_record>)
              writer.add(row, n.customer_groups);
            else if constexpr (std::is_same_v<R, customer_record>)
              writer.add(row, n.customers);
            else if constexpr (std::is_same_v<R, customer_address_record>)
              writer.add(row, n.customer_addresses);
            else
              writer.add(row, n.customer_group_customers);
          },
          r);
    });
    writer.finish(n);
  } catch (...) {
    writer.abort();
    throw;
  }
  if (result.created)
    for (const auto& statement : ddl.keys) db.exec(statement);
  db.exec("COMMIT");
  return result;
}

}  // namespace customerdb::postgres

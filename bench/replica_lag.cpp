// customerdb_replica_lag_bench: how far a customerdb::postgres::replica trails the PostgreSQL
// it copies. The program makes Medusa's v2 customer tables in a fresh schema of its own on the
// PostgreSQL given by --url, seeds them with --customers rows, publishes them, and starts a
// replica (a store with module_options::replica_of; in memory, or with --data DIR in a data
// directory with fsync `always`), which makes its initial copy. Then, for each target rate,
// writer threads commit customer rows (inserts; one row in --update-every is an update of a
// seeded customer) in transactions of --rows-per-tx rows, with synchronous_commit on, each on
// its own connection, for --seconds seconds. Transaction i starts at its absolute deadline
// start + i * rows_per_tx / rate (no drift), on writer i % --writers; a writer behind its
// deadline starts at once, and none starts after the period. Several writers (default 8), as
// an application's connections: one alone waits for each commit's WAL flush and cannot reach
// 1,000 commits/s when a flush takes a millisecond or more.
//
// Each source transaction's lag is taken from replica_options::applied: the time it became
// visible in the store minus its commit time at the source (PostgreSQL's commit timestamp,
// taken just before the commit's WAL flush; same machine, same clock). Since a logical
// walsender sends only flushed WAL, the source's flush is part of the lag; the writers' own
// wait for their commits (statement and flush) is reported beside it, and so is how many source
// transactions the replica applied per store commit (it applies those that arrive together in
// one commit).
//
// Per rate, the figures are medians over --rounds rounds (each round runs every rate in turn,
// on the same replica): achieved rows/s, transactions, p50, p90, p99 and max lag in ms. At the
// end: the replica's state and the store's customers against the source's. The schema, the
// publication and the slot are dropped at the end, after an error or on SIGINT/SIGTERM.
//
//   customerdb_replica_lag_bench --url CONNINFO [--rates 1000,10000] [--rows-per-tx 1,10]
//       [--writers 8] [--seconds 20] [--rounds 1] [--customers 10000] [--update-every 5]
//       [--data DIR] [--name NAME] [--json PATH]
//
//   --url          libpq connection string or URL; the role must be allowed to replicate
//   --rates        target rows per second, comma-separated (default 1000,10000)
//   --rows-per-tx  rows per transaction, one per rate or one for all (default: 1 for rates up
//                  to 1,000 rows/s, 10 above)
//   --data         the replica's data directory (new or empty; kept): fsync `always`
//   --name         the schema, publication and slot (default customerdb_lag_<pid>)
//
// Exits 1 on an error, a stale replica or a store that does not hold the source's rows.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "customerdb/postgres/connection.hpp"
#include "customerdb/postgres/replica.hpp"
#include "measure.hpp"
#include "medusa_schema.hpp"

namespace {

namespace pg = customerdb::postgres;
namespace json = boost::json;
using sys_clock = std::chrono::system_clock;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_signal(int) { interrupted = 1; }

constexpr std::string_view usage =
    "--url CONNINFO [--rates 1000,10000] [--rows-per-tx 1,10] [--writers 8] [--seconds 20] "
    "[--rounds 1] [--customers 10000] [--update-every 5] [--data DIR] [--name NAME] [--json PATH]";

std::vector<long> numbers(const std::string& list) {
  std::vector<long> out;
  std::size_t at = 0;
  while (at <= list.size()) {
    const auto comma = std::min(list.find(',', at), list.size());
    out.push_back(std::stol(list.substr(at, comma - at)));
    at = comma + 1;
  }
  return out;
}

double ms(sys_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// `url` (a connection string or URL) as a connection string whose search_path is `schema`.
std::string with_search_path(const std::string& url, const std::string& schema) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &error);
  if (parsed == nullptr) {
    const std::string message = error ? error : "cannot parse it";
    PQfreemem(error);
    throw std::runtime_error("--url: " + message);
  }
  const auto quoted = [](std::string v) {
    std::string out = "'";
    for (const char c : v) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "'";
  };
  std::string out;
  bool has_options = false;
  for (auto* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string value = o->val;
    if (std::string_view(o->keyword) == "options") {
      value += " -c search_path=" + schema;
      has_options = true;
    }
    out += fmt::format("{}={} ", o->keyword, quoted(value));
  }
  PQconninfoFree(parsed);
  if (!has_options) out += "options=" + quoted("-c search_path=" + schema);
  return out;
}

// The bench's schema with Medusa's v2 tables, its publication, and (made by the replica) its
// slot, all named `name`; dropped by the destructor, whatever happened before.
class bench_source {
 public:
  bench_source(const std::string& url, std::string name)
      : name_(std::move(name)), conninfo_(with_search_path(url, name_)), db_(conninfo_) {}
  ~bench_source() { drop(); }
  bench_source(const bench_source&) = delete;
  bench_source& operator=(const bench_source&) = delete;

  void create(long seed_customers) {
    db_.exec("set client_min_messages = warning; drop schema if exists " + name_ +
             " cascade; create schema " + name_);
    const auto ddl = pg::medusa_ddl(pg::schema_generation::v2);
    for (const auto& s : ddl.tables) db_.exec(s);
    for (const auto& s : ddl.keys) db_.exec(s);
    db_.exec(fmt::format(
        "insert into customer (id, email, first_name, last_name, has_account, metadata, "
        "created_at, updated_at) select 'cus_seed_' || lpad(i::text, 9, '0'), 'seed' || i || "
        "'@example.com', 'Seed', 'Customer ' || i, i % 2 = 0, jsonb_build_object('seq', i), "
        "now(), now() from generate_series(1, {}) i",
        seed_customers));
    db_.exec("drop publication if exists " + name_ + "; create publication " + name_ +
             " for table customer, customer_group, customer_address, customer_group_customer");
    db_.exec("analyze");
  }

  const std::string& name() const { return name_; }
  const std::string& conninfo() const { return conninfo_; }
  pg::connection& db() { return db_; }

  std::string setting(const char* name) {
    return PQgetvalue(db_.exec(std::string("show ") + name).get(), 0, 0);
  }
  long count(const char* table) {
    return std::stol(
        PQgetvalue(db_.exec(fmt::format("select count(*) from {}", table)).get(), 0, 0));
  }

 private:
  void drop() noexcept {
    const auto step = [&](const char* what, auto&& f) {
      try {
        f();
      } catch (const std::exception& e) {
        fmt::print(stderr, "cleanup: {} {}: {}\n", what, name_, e.what());
      }
    };
    step("dropping the slot", [&] {
      const char* slot = name_.c_str();
      // The walsender may hold the slot for a moment after the replica is gone.
      for (int i = 0; i < 1000; ++i) {
        const auto r =
            db_.exec("select active from pg_replication_slots where slot_name = $1", {slot});
        if (PQntuples(r.get()) == 0) return;
        if (PQgetvalue(r.get(), 0, 0)[0] == 'f' || i == 999) break;
        std::this_thread::sleep_for(10ms);
      }
      db_.exec(
          "select pg_terminate_backend(active_pid) from pg_replication_slots "
          "where slot_name = $1 and active_pid is not null",
          {slot});
      for (int i = 0;; ++i) {
        try {
          db_.exec("select pg_drop_replication_slot($1)", {slot});
          return;
        } catch (const pg::pg_error&) {
          if (i == 200) throw;  // still active after two seconds
          std::this_thread::sleep_for(10ms);
        }
      }
    });
    step("dropping the publication and the schema", [&] {
      db_.exec("set client_min_messages = warning; drop publication if exists " + name_ +
               "; drop schema if exists " + name_ + " cascade");
    });
  }

  std::string name_;
  std::string conninfo_;
  pg::connection db_;
};

// The (commit, visible) times replica_options::applied reports, while switched on.
struct lag_collector {
  std::mutex mutex;
  bool on = false;
  std::vector<std::pair<sys_clock::time_point, sys_clock::time_point>> events;

  void record(sys_clock::time_point committed, sys_clock::time_point applied) {
    std::lock_guard lock(mutex);
    if (on) events.emplace_back(committed, applied);
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return events.size();
  }
};

struct run_result {
  long rate = 0, rows_per_tx = 0;
  long rows = 0, transactions = 0;
  double seconds = 0, achieved = 0;           // rows per second
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // commit -> visible, ms
  double commit_p50 = 0, commit_p99 = 0;      // a writer's wait for its commit, ms
  double per_apply = 0;                       // source transactions per store commit
};

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nan("");
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

struct settings {
  std::string url, name, json_path;
  std::filesystem::path data;
  std::vector<long> rates, rows_per_tx;
  int seconds = 20, rounds = 1, writers = 8;
  long customers = 10'000, update_every = 5;
};

// The SQL of one transaction: rows seq .. seq + k - 1 of run `tag` (one statement list is one
// implicit transaction and one round trip).
std::string transaction_sql(const settings& s, const std::string& tag, long seq, long k) {
  std::string inserts, updates;
  for (long row = seq; row < seq + k; ++row) {
    if (s.update_every > 0 && row % s.update_every == s.update_every - 1) {
      const long target = (row * 7919) % s.customers + 1;
      updates += fmt::format(
          "update customer set last_name = 'Updated {}', updated_at = now() where id = "
          "'cus_seed_{:09}';",
          row, target);
      continue;
    }
    inserts += fmt::format(
        "{}('cus_lag_{}_{:09}', 'lag_{}_{}@example.com', 'Lag', 'Row {}', false, "
        "'{{\"row\": {}}}', now(), now())",
        inserts.empty() ? "" : ", ", tag, row, tag, row, row, row);
  }
  if (!inserts.empty())
    inserts =
        "insert into customer (id, email, first_name, last_name, has_account, metadata, "
        "created_at, updated_at) values " +
        inserts + ";";
  return inserts + updates;
}

void wait_for(const pg::replica& r, const std::function<bool()>& done, steady::duration limit,
              const std::string& what) {
  const auto deadline = steady::now() + limit;
  while (!done()) {
    const auto st = r.status();
    if (st.state == pg::replica_state::stale)
      throw std::runtime_error("the replica is stale: " + st.last_error);
    if (steady::now() > deadline) throw std::runtime_error("timed out waiting for " + what);
    if (interrupted) throw std::runtime_error("interrupted");
    std::this_thread::sleep_for(5ms);
  }
}

run_result run_rate(const settings& s, bench_source& source, const pg::replica& replica,
                    lag_collector& lags, long rate, long k, const std::string& tag) {
  std::vector<std::unique_ptr<pg::connection>> connections;
  for (int w = 0; w < s.writers; ++w) {
    connections.push_back(std::make_unique<pg::connection>(source.conninfo()));
    connections.back()->exec("set synchronous_commit = on");
  }
  const auto interval = std::chrono::duration<double>(static_cast<double>(k) / rate);
  {
    std::lock_guard lock(lags.mutex);
    lags.events.clear();
    lags.on = true;
  }
  // Transaction i starts at start + i * interval, on writer i % writers.
  std::vector<std::vector<double>> commit_ms(static_cast<std::size_t>(s.writers));
  std::vector<std::exception_ptr> failures(static_cast<std::size_t>(s.writers));
  const auto start = steady::now() + 20ms;
  const auto end = start + std::chrono::seconds(s.seconds);
  std::vector<std::thread> threads;
  for (int w = 0; w < s.writers; ++w)
    threads.emplace_back([&, w] {
      auto& db = *connections[static_cast<std::size_t>(w)];
      auto& times = commit_ms[static_cast<std::size_t>(w)];
      try {
        for (long i = w; !interrupted; i += s.writers) {
          const auto deadline = start + std::chrono::duration_cast<steady::duration>(interval * i);
          if (deadline >= end || steady::now() >= end) break;
          const auto sql = transaction_sql(s, tag, i * k, k);  // made before its deadline
          std::this_thread::sleep_until(deadline);
          const auto sent = steady::now();
          db.exec(sql);
          times.push_back(std::chrono::duration<double, std::milli>(steady::now() - sent).count());
        }
      } catch (...) {
        failures[static_cast<std::size_t>(w)] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  const double seconds = std::max(std::chrono::duration<double>(steady::now() - start).count(),
                                  static_cast<double>(s.seconds));
  for (const auto& f : failures)
    if (f) std::rethrow_exception(f);
  std::vector<double> commits;
  for (const auto& times : commit_ms) commits.insert(commits.end(), times.begin(), times.end());
  const auto transactions = static_cast<long>(commits.size());
  wait_for(
      replica, [&] { return lags.size() >= static_cast<std::size_t>(transactions); }, 120s,
      fmt::format("the replica to apply {} transactions", transactions));
  std::vector<std::pair<sys_clock::time_point, sys_clock::time_point>> events;
  {
    std::lock_guard lock(lags.mutex);
    lags.on = false;
    events.swap(lags.events);
  }
  run_result r{.rate = rate, .rows_per_tx = k};
  r.transactions = transactions;
  r.rows = transactions * k;
  r.seconds = seconds;
  r.achieved = static_cast<double>(r.rows) / seconds;
  std::vector<double> lag;
  std::size_t applies = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    lag.push_back(ms(events[i].second - events[i].first));
    if (i == 0 || events[i].second != events[i - 1].second) ++applies;
  }
  std::sort(lag.begin(), lag.end());
  std::sort(commits.begin(), commits.end());
  r.p50 = percentile(lag, 0.50);
  r.p90 = percentile(lag, 0.90);
  r.p99 = percentile(lag, 0.99);
  r.max = lag.empty() ? std::nan("") : lag.back();
  r.commit_p50 = percentile(commits, 0.50);
  r.commit_p99 = percentile(commits, 0.99);
  r.per_apply = applies ? static_cast<double>(events.size()) / static_cast<double>(applies) : 0;
  if (events.size() != static_cast<std::size_t>(transactions))
    fmt::print(stderr, "note: {} applied transactions for {} committed\n", events.size(),
               transactions);
  return r;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string load_average() {
  double l[3] = {0, 0, 0};
  if (getloadavg(l, 3) != 3) return "unknown";
  return fmt::format("{:.2f} {:.2f} {:.2f}", l[0], l[1], l[2]);
}

json::object to_json(const run_result& r) {
  const auto n = [](double v) { return std::isnan(v) ? json::value(nullptr) : json::value(v); };
  return {{"target_rows_per_s", r.rate},
          {"rows_per_tx", r.rows_per_tx},
          {"rows", r.rows},
          {"transactions", r.transactions},
          {"seconds", r.seconds},
          {"achieved_rows_per_s", r.achieved},
          {"lag_p50_ms", n(r.p50)},
          {"lag_p90_ms", n(r.p90)},
          {"lag_p99_ms", n(r.p99)},
          {"lag_max_ms", n(r.max)},
          {"commit_p50_ms", n(r.commit_p50)},
          {"commit_p99_ms", n(r.commit_p99)},
          {"transactions_per_apply", r.per_apply}};
}

// The medians over rounds of one rate's runs, field by field.
run_result medians(const std::vector<run_result>& runs) {
  const auto m = [&](auto field) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(static_cast<double>(r.*field));
    return customerdb::bench::median(v);
  };
  run_result r = runs.front();
  r.rows = static_cast<long>(m(&run_result::rows));
  r.transactions = static_cast<long>(m(&run_result::transactions));
  r.achieved = m(&run_result::achieved);
  r.p50 = m(&run_result::p50);
  r.p90 = m(&run_result::p90);
  r.p99 = m(&run_result::p99);
  r.max = m(&run_result::max);
  r.commit_p50 = m(&run_result::commit_p50);
  r.commit_p99 = m(&run_result::commit_p99);
  r.per_apply = m(&run_result::per_apply);
  return r;
}

std::string shown(double v) { return std::isnan(v) ? "—" : fmt::format("{:.2f}", v); }

int run(int argc, char** argv) {
  using customerdb::bench::option;
  customerdb::bench::check_options(
      argc, argv,
      {"--url", "--rates", "--rows-per-tx", "--writers", "--seconds", "--rounds", "--customers",
       "--update-every", "--data", "--name", "--json"},
      usage);
  settings s;
  s.url = option(argc, argv, "--url", "");
  s.rates = numbers(option(argc, argv, "--rates", "1000,10000"));
  const auto rows_option = option(argc, argv, "--rows-per-tx", "");
  for (std::size_t i = 0; i < s.rates.size(); ++i) {
    if (rows_option.empty()) {
      s.rows_per_tx.push_back(s.rates[i] <= 1000 ? 1 : 10);
      continue;
    }
    const auto given = numbers(rows_option);
    if (given.size() != 1 && given.size() != s.rates.size())
      throw std::invalid_argument("--rows-per-tx: give one value, or one per rate");
    s.rows_per_tx.push_back(given.size() == 1 ? given[0] : given[i]);
  }
  s.writers = std::stoi(option(argc, argv, "--writers", "8"));
  s.seconds = std::stoi(option(argc, argv, "--seconds", "20"));
  s.rounds = std::stoi(option(argc, argv, "--rounds", "1"));
  s.customers = std::stol(option(argc, argv, "--customers", "10000"));
  s.update_every = std::stol(option(argc, argv, "--update-every", "5"));
  s.data = option(argc, argv, "--data", "");
  s.name = option(argc, argv, "--name", fmt::format("customerdb_lag_{}", getpid()));
  s.json_path = option(argc, argv, "--json", "");
  const bool name_ok = !s.name.empty() && std::all_of(s.name.begin(), s.name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (s.url.empty() || s.writers < 1 || s.seconds < 1 || s.rounds < 1 || s.customers < 1 ||
      !name_ok || std::any_of(s.rates.begin(), s.rates.end(), [](long r) { return r < 1; }) ||
      std::any_of(s.rows_per_tx.begin(), s.rows_per_tx.end(), [](long k) { return k < 1; })) {
    fmt::print(stderr,
               "{}: --url is required; rates, rows, writers, seconds, rounds and customers must be "
               "positive; --name is [a-z0-9_]\nusage: {} {}\n",
               argv[0], argv[0], usage);
    return 2;
  }
  if (!s.data.empty() && std::filesystem::exists(s.data) && !std::filesystem::is_empty(s.data)) {
    fmt::print(stderr, "{}: --data {} is not empty: a new replica needs an empty directory\n",
               argv[0], s.data.string());
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  const auto date = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                                std::chrono::floor<std::chrono::seconds>(sys_clock::now()));
  const auto machine = fmt::format("{}, {} CPUs", cpu_model(), std::thread::hardware_concurrency());
  const auto load_before = load_average();

  bench_source source(s.url, s.name);
  source.create(s.customers);
  const std::string pg_settings = fmt::format(
      "PostgreSQL {}: fsync {}, synchronous_commit {}, wal_sync_method {}, "
      "logical_decoding_work_mem {}",
      source.setting("server_version"), source.setting("fsync"),
      source.setting("synchronous_commit"), source.setting("wal_sync_method"),
      source.setting("logical_decoding_work_mem"));

  customerdb::module_options mo;
  mo.replica_of = source.name();
  if (!s.data.empty()) {
    mo.persistence.data_dir = s.data;
    mo.persistence.fsync = customerdb::fsync_policy::always;
  }
  customerdb::customer_module store(mo);
  lag_collector lags;
  pg::replica_options ro;
  ro.source = source.conninfo();
  ro.slot = s.name;
  ro.publication = s.name;
  ro.log = [](std::string_view line) { fmt::print(stderr, "replica: {}\n", line); };
  ro.applied = [&](sys_clock::time_point c, sys_clock::time_point a) { lags.record(c, a); };
  std::vector<std::vector<run_result>> runs(s.rates.size());
  json::array round_json;
  pg::replica_status final_status;
  long source_customers = 0;
  std::size_t store_customers = 0;
  {
    const auto copy_start = steady::now();
    pg::replica replica(store, ro);
    wait_for(
        replica, [&] { return replica.status().state == pg::replica_state::streaming; }, 600s,
        "the initial copy");
    fmt::print(stderr, "initial copy of {} customers: streaming after {:.2f} s\n", s.customers,
               std::chrono::duration<double>(steady::now() - copy_start).count());
    for (int round = 0; round < s.rounds && !interrupted; ++round)
      for (std::size_t i = 0; i < s.rates.size() && !interrupted; ++i) {
        std::this_thread::sleep_for(1s);  // the replica and the source idle
        const auto tag = fmt::format("r{}_{}", round, s.rates[i]);
        const auto r = run_rate(s, source, replica, lags, s.rates[i], s.rows_per_tx[i], tag);
        fmt::print(stderr,
                   "round {} at {} rows/s ({} per tx): {:.0f} rows/s, {} tx, lag p50 {} p90 {} "
                   "p99 {} max {} ms, writers' commit p50 {} ms, {:.2f} tx per apply; load {}\n",
                   round + 1, r.rate, r.rows_per_tx, r.achieved, r.transactions, shown(r.p50),
                   shown(r.p90), shown(r.p99), shown(r.max), shown(r.commit_p50), r.per_apply,
                   load_average());
        runs[i].push_back(r);
        auto j = to_json(r);
        j["round"] = round + 1;
        round_json.push_back(std::move(j));
      }
    if (interrupted) throw std::runtime_error("interrupted");
    source_customers = source.count("customer");
    wait_for(
        replica,
        [&] { return store.stats().customers == static_cast<std::size_t>(source_customers); }, 60s,
        "the store to hold the source's customers");
    final_status = replica.status();
    store_customers = store.stats().customers;
  }  // the replica stops here; `source` drops the slot, the publication and the schema

  fmt::print(
      "\nReplica lag: {} s per rate, {} round(s), {} writers, {} seeded customers, one update in "
      "{} rows; replica {}; {}; {}; {}; load average {} before, {} after\n\n",
      s.seconds, s.rounds, s.writers, s.customers, s.update_every,
      s.data.empty() ? "in memory" : "durable (--data, fsync always)", pg_settings, machine, date,
      load_before, load_average());
  fmt::print(
      "| target rows/s | rows/tx | achieved rows/s | transactions | lag p50 | p90 | p99 | max | "
      "commit p50 | tx per apply |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  json::array median_json;
  for (const auto& per_rate : runs) {
    if (per_rate.empty()) continue;
    const auto m = medians(per_rate);
    fmt::print("| {} | {} | {:.0f} | {} | {} ms | {} ms | {} ms | {} ms | {} ms | {:.2f} |\n",
               m.rate, m.rows_per_tx, m.achieved, m.transactions, shown(m.p50), shown(m.p90),
               shown(m.p99), shown(m.max), shown(m.commit_p50), m.per_apply);
    median_json.push_back(to_json(m));
  }
  const bool same = store_customers == static_cast<std::size_t>(source_customers);
  fmt::print(
      "\nMedians over rounds. Lag: commit at the source to visible in the store. Commit: a "
      "writer's wait for its commit (statement and WAL flush).\nReplica at the end: {}, {} "
      "transactions and {} "
      "changes applied, {} reconnects, lag {} bytes{}; store {} customers, source {} ({})\n",
      to_string(final_status.state), final_status.transactions_applied,
      final_status.changes_applied, final_status.reconnects, final_status.lag_bytes,
      final_status.last_error.empty() ? "" : ", last error: " + final_status.last_error,
      store_customers, source_customers, same ? "the same" : "DIFFERENT");
  if (!s.json_path.empty()) {
    json::object out;
    out["date"] = date;
    out["machine"] = machine;
    out["postgres"] = pg_settings;
    out["seconds"] = s.seconds;
    out["rounds"] = s.rounds;
    out["writers"] = s.writers;
    out["customers"] = s.customers;
    out["update_every"] = s.update_every;
    out["durable"] = !s.data.empty();
    out["runs"] = std::move(round_json);
    out["medians"] = std::move(median_json);
    json::object end;
    end["state"] = to_string(final_status.state);
    end["transactions_applied"] = final_status.transactions_applied;
    end["changes_applied"] = final_status.changes_applied;
    end["reconnects"] = final_status.reconnects;
    end["last_error"] = final_status.last_error;
    end["store_customers"] = store_customers;
    end["source_customers"] = source_customers;
    out["final"] = std::move(end);
    std::ofstream(s.json_path) << json::serialize(out) << '\n';
    fmt::print(stderr, "results: {}\n", s.json_path);
  }
  return same && final_status.state == pg::replica_state::streaming ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: {}\n", argv[0], e.what());
    return 1;
  }
}

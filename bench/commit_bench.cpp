// Commit benchmarks (issue: copy-on-write transactions).
//
// Measures, at 10,000 and then at 1,000,000 customers (~2 addresses each):
//   - a one-row transaction: begin, update one customer, commit;
//   - a single-row auto-commit create.
// Each figure is the median over rounds of the mean time per operation in a round. Both stores
// are built first and their rounds alternate; the ratio is the median, over rounds, of the
// one-row transaction's time at the large size over its time at the small size.
// It also reports the page faults the committing thread took per create (the engine's pool,
// engine/src/pool.hpp, is meant to keep them off that thread), and the same rounds on a store of
// the small size with a data directory (fsync = everysec, the default; no snapshots) in
// --data-dir DIR (default: customerdb_commit_bench in the temporary directory, removed after):
// what the journal adds to a commit.
//   build/release/customerdb_commit_bench [--small N] [--large N] [--rounds R] [--data-dir DIR]
//
// With --durable-dir DIR it measures durable commits instead (fsync = always, in DIR, on the
// disk whose fsync is measured): auto-commit creates from 1 writer and from --writers W
// (default 8) threads, in alternating rounds of --round-ms (default 300) each. For each it
// reports commits per second, journal fsyncs per second (counted through the file system),
// commits per fsync, the mean fsync time, the process's CPU time per commit and its voluntary
// context switches per commit (a thread going to sleep: on a mutex, a condition variable or
// the fsync itself); and the
// median over rounds of the W-writer rate over the 1-writer rate.
// --simulate-sync-us N replaces the journal's fsync with a sleep of N microseconds (a model of
// a disk with that fsync time, to study the group commit; nothing is durable then). --busy N
// keeps N more threads busy computing for the whole run (a machine busy with other work).
// --preload N first imports N customers (sample_data.hpp: two addresses and a membership
// each), so that the commits meet the cache misses of a large store.
//   build/release/customerdb_commit_bench --durable-dir DIR [--writers W] [--rounds R]
//                                         [--round-ms MS] [--simulate-sync-us N] [--busy N]
//                                         [--preload N]
//
// With --growth N it measures what growing costs a commit: one auto-commit create per commit
// until the store holds N customers, then the latency percentiles and the --show K (default
// 12) slowest commits with the store's size at each (run_growth).
//   build/release/customerdb_commit_bench --growth N [--show K]
#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <customerdb/customerdb.hpp>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../persistence/include/customerdb/file_system.hpp"  // the program links persistence
#include "measure.hpp"
#include "sample_data.hpp"

namespace {

using customerdb::bench::measure;

using clock_type = std::chrono::steady_clock;

// The `i`-th customer of a grown store, with two addresses.
customerdb::create_customer_dto sample_customer(std::size_t i) {
  return {.email = fmt::format("customer{}@example.com", i),
          .first_name = "Ann",
          .company_name = fmt::format("Company {}", i % 5000),
          .addresses = std::vector<customerdb::create_customer_address_dto>{
              {.is_default_shipping = true, .city = "Copenhagen"}, {.city = "Berlin"}}};
}

// Grows the store to `n` customers, each with two addresses.
void grow(customerdb::customer_module& db, std::vector<std::string>& ids, std::size_t n) {
  while (ids.size() < n) {
    std::vector<customerdb::create_customer_dto> batch;
    for (std::size_t i = ids.size(); i < std::min(n, ids.size() + 1000); ++i)
      batch.push_back(sample_customer(i));
    for (auto& c : db.create(batch)) ids.push_back(std::move(c.id));
  }
}

// One round (`per_round` operations) of each measured operation against `db`; returns the mean
// nanoseconds per operation.
struct round_times {
  double transaction_ns;        // keys prepared before the round, in access order
  double transaction_drawn_ns;  // keys drawn from the store's id vector inside the timed loop
  double create_ns;
  double create_faults;  // minor page faults per create
};

long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return u.ru_minflt;
}

round_times run_round(customerdb::customer_module& db, const std::vector<std::string>& ids,
                      std::mt19937_64& rng, std::size_t& created, int per_round) {
  round_times t{};
  // The caller has the id of the row it changes at hand (as a key just parsed from a request):
  // the round's keys are copied, in access order, before the timed loop. The second figure
  // draws each key from the vector of every id inside the loop, as earlier runs did; at
  // 1,000,000 customers that adds the harness's own cache misses (the vector's element and the
  // string's text) to each transaction.
  std::vector<std::string> keys;
  keys.reserve(per_round);
  for (int i = 0; i < per_round; ++i) keys.push_back(ids[rng() % ids.size()]);
  t.transaction_ns = measure(1, per_round, [&](int i) {
    auto tx = db.begin_transaction();
    db.update(keys[i], {.last_name = fmt::format("L{}", i)}, tx);
    db.commit(tx);
  });
  t.transaction_drawn_ns = measure(1, per_round, [&](int i) {
    auto tx = db.begin_transaction();
    db.update(ids[rng() % ids.size()], {.last_name = fmt::format("M{}", i)}, tx);
    db.commit(tx);
  });
  const long faults_before = minor_faults();
  t.create_ns = measure(1, per_round, [&](int) {
    db.create({.email = fmt::format("new{}@example.com", created++), .first_name = "New"});
  });
  t.create_faults = static_cast<double>(minor_faults() - faults_before) / per_round;
  return t;
}

// The operating system's file system, counting the syncs of journal files and their time.
class counting_file_system final : public customerdb::forwarding_file_system {
 public:
  std::atomic<long> syncs{0};
  std::atomic<long> sync_ns{0};
  // When positive, a journal sync sleeps this long instead of calling fsync (a model of a disk
  // whose fsync takes that long and costs no CPU; nothing is durable then).
  std::chrono::microseconds simulated_sync{0};

 private:
  class file final : public customerdb::forwarding_writable_file {
   public:
    file(counting_file_system* owner, std::unique_ptr<customerdb::writable_file> real, bool journal)
        : forwarding_writable_file(std::move(real)), owner_(owner), journal_(journal) {}
    void sync() override {
      const auto start = clock_type::now();
      if (journal_ && owner_->simulated_sync.count() > 0) {
        std::this_thread::sleep_for(owner_->simulated_sync);
      } else {
        forwarding_writable_file::sync();
      }
      if (!journal_) return;
      owner_->syncs.fetch_add(1, std::memory_order_relaxed);
      owner_->sync_ns.fetch_add(
          std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - start).count(),
          std::memory_order_relaxed);
    }

   private:
    counting_file_system* owner_;
    bool journal_;
  };

  std::unique_ptr<customerdb::writable_file> wrap(
      const std::filesystem::path& p, std::unique_ptr<customerdb::writable_file> f) override {
    const bool journal = p.filename().string().starts_with("journal");
    return std::make_unique<file>(this, std::move(f), journal);
  }
};

// A store in `dir` with the fsync policy `fsync` that takes no snapshot on its own (neither on
// time, on count nor at close): what the rounds measure is the journal.
customerdb::module_options on_disk(const std::filesystem::path& dir,
                                   customerdb::fsync_policy fsync) {
  customerdb::module_options o;
  o.persistence.data_dir = dir;
  o.persistence.fsync = fsync;
  o.persistence.snapshot_interval = std::chrono::seconds(0);
  o.persistence.snapshot_every_commits = 0;
  o.persistence.snapshot_on_close = false;
  o.persistence.keep_snapshots = 1;
  return o;
}

struct process_usage {
  double cpu_seconds;
  long switches;  // voluntary context switches (a thread went to sleep)
};

process_usage usage() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return {static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
              static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6,
          u.ru_nvcsw};
}

struct durable_round {
  double commits_per_s, syncs_per_s, commits_per_sync, sync_us, cpu_us_per_commit,
      switches_per_commit;
};

// `writers` threads create customers for `budget`, each commit waiting for its fsync.
durable_round run_writers(customerdb::customer_module& db, counting_file_system& fs, int writers,
                          std::chrono::milliseconds budget, std::size_t& created) {
  const long syncs_before = fs.syncs.load(), ns_before = fs.sync_ns.load();
  const process_usage before = usage();
  std::atomic<bool> stop{false};
  std::atomic<long> commits{0};
  std::vector<std::thread> threads;
  const std::size_t base = created;
  const auto start = clock_type::now();
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      prctl(PR_SET_TIMERSLACK, 1UL);  // the simulated fsync's sleep ends on time
      for (std::size_t j = 0; !stop.load(std::memory_order_relaxed); ++j) {
        db.create({.email = fmt::format("d{}-{}-{}@example.com", base, w, j), .first_name = "D"});
        commits.fetch_add(1, std::memory_order_relaxed);
        if (clock_type::now() - start >= budget) stop = true;
      }
    });
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  created += static_cast<std::size_t>(commits.load());
  const double n = static_cast<double>(commits.load());
  const double syncs = static_cast<double>(fs.syncs.load() - syncs_before);
  return {
      .commits_per_s = n / seconds,
      .syncs_per_s = syncs / seconds,
      .commits_per_sync = syncs > 0 ? n / syncs : 0,
      .sync_us = syncs > 0 ? static_cast<double>(fs.sync_ns.load() - ns_before) / syncs / 1e3 : 0,
      .cpu_us_per_commit = (usage().cpu_seconds - before.cpu_seconds) / n * 1e6,
      .switches_per_commit = static_cast<double>(usage().switches - before.switches) / n};
}

int run_durable(const std::filesystem::path& dir, int writers, int rounds,
                std::chrono::milliseconds budget, std::chrono::microseconds simulated_sync,
                int busy, std::size_t preload) {
  std::filesystem::remove_all(dir);
  std::atomic<bool> done{false};
  std::vector<std::jthread> busy_threads;
  for (int i = 0; i < busy; ++i)
    busy_threads.emplace_back([&done] {
      std::uint64_t x = 1;
      while (!done.load(std::memory_order_relaxed))
        for (int k = 0; k < 1000; ++k) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      static_cast<void>(x);
    });
  struct stop_busy {
    std::atomic<bool>& done;
    ~stop_busy() { done = true; }
  } stopping{done};
  auto fs = std::make_shared<counting_file_system>();
  fs->simulated_sync = simulated_sync;
  auto o = on_disk(dir, customerdb::fsync_policy::always);
  o.persistence.file_system = fs;
  customerdb::customer_module db(o);
  if (preload > 0)
    db.import_records(customerdb::bench::sample_records(preload, customerdb::now(), 5000));
  std::size_t created = 0;
  std::vector<durable_round> one, many;
  std::vector<double> ratio;
  for (int r = 0; r < rounds; ++r) {
    one.push_back(run_writers(db, *fs, 1, budget, created));
    many.push_back(run_writers(db, *fs, writers, budget, created));
    ratio.push_back(many.back().commits_per_s / one.back().commits_per_s);
  }
  using customerdb::bench::median;
  const auto column = [](const std::vector<durable_round>& v, double durable_round::*m) {
    std::vector<double> x;
    for (const auto& d : v) x.push_back(d.*m);
    return median(x);
  };
  fmt::print("durable creates (fsync = always{}{}{}), medians of {} rounds of {} ms\n",
             simulated_sync.count() > 0
                 ? fmt::format("; fsync simulated by a {} us sleep", simulated_sync.count())
                 : "",
             busy > 0 ? fmt::format("; {} threads busy computing", busy) : "",
             preload > 0 ? fmt::format("; {} customers before", preload) : "", rounds,
             budget.count());
  fmt::print("{:<10} {:>10} {:>10} {:>14} {:>10} {:>14} {:>16}\n", "writers", "commits/s",
             "fsyncs/s", "commits/fsync", "fsync us", "CPU us/commit", "sleeps/commit");
  for (const auto* v : {&one, &many})
    fmt::print("{:<10} {:>10.0f} {:>10.0f} {:>14.2f} {:>10.1f} {:>14.1f} {:>16.2f}\n",
               v == &one ? 1 : writers, column(*v, &durable_round::commits_per_s),
               column(*v, &durable_round::syncs_per_s),
               column(*v, &durable_round::commits_per_sync), column(*v, &durable_round::sync_us),
               column(*v, &durable_round::cpu_us_per_commit),
               column(*v, &durable_round::switches_per_commit));
  std::string rounds_text;
  for (double x : ratio) rounds_text += fmt::format(" {:.2f}", x);
  fmt::print("{} writers over 1: x{:.2f} (median of the round ratios:{})\n", writers, median(ratio),
             rounds_text);
  return 0;
}

// One auto-commit create per commit (sample_customer) until an in-memory store holds `n`
// customers; prints the latency percentiles and the `shown` slowest commits with the number of
// customers each found. A commit that takes a table's indexes past their capacity waits for
// them to grow (rehash) before it returns.
int run_growth(std::size_t n, std::size_t shown) {
  customerdb::customer_module db;
  std::vector<double> us(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto started = clock_type::now();
    db.create(sample_customer(i));
    us[i] = std::chrono::duration<double, std::micro>(clock_type::now() - started).count();
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  shown = std::min(shown, n);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
                    [&](std::size_t a, std::size_t b) { return us[a] > us[b]; });
  std::vector<double> sorted = us;
  std::sort(sorted.begin(), sorted.end());
  const auto at = [&](double q) { return sorted[static_cast<std::size_t>(q * (n - 1))]; };
  fmt::print("{} creates, one per commit (a customer with two addresses each), in memory\n", n);
  fmt::print("latency us: p50 {:.1f}, p99 {:.1f}, p99.9 {:.1f}, p99.99 {:.1f}, max {:.1f}\n",
             at(0.5), at(0.99), at(0.999), at(0.9999), sorted.back());
  fmt::print("the {} slowest commits (customers in the store before each):\n", shown);
  for (std::size_t k = 0; k < shown; ++k)
    fmt::print("{:>12.1f} us   at {}\n", us[order[k]], order[k]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using customerdb::bench::option;
  if (const std::size_t n = std::stoull(option(argc, argv, "--growth", "0")); n > 0)
    return run_growth(n, std::stoull(option(argc, argv, "--show", "12")));
  if (const std::string dir = option(argc, argv, "--durable-dir", ""); !dir.empty())
    return run_durable(
        dir, std::stoi(option(argc, argv, "--writers", "8")),
        std::stoi(option(argc, argv, "--rounds", "9")),
        std::chrono::milliseconds(std::stoi(option(argc, argv, "--round-ms", "300"))),
        std::chrono::microseconds(std::stoi(option(argc, argv, "--simulate-sync-us", "0"))),
        std::stoi(option(argc, argv, "--busy", "0")),
        std::stoull(option(argc, argv, "--preload", "0")));
  const std::size_t small = std::stoull(option(argc, argv, "--small", "10000"));
  const std::size_t large = std::stoull(option(argc, argv, "--large", "1000000"));
  const int rounds = std::stoi(option(argc, argv, "--rounds", "9"));
  // Both stores live side by side and their rounds alternate, so that both sizes see the same
  // machine load (the machine is shared); the ratio is the median of the per-round ratios.
  const std::filesystem::path data_dir =
      option(argc, argv, "--data-dir",
             (std::filesystem::temp_directory_path() / "customerdb_commit_bench").string());
  std::filesystem::remove_all(data_dir);
  struct removed_at_exit {  // after disk_db closes
    std::filesystem::path dir;
    ~removed_at_exit() { std::filesystem::remove_all(dir); }
  } removal{data_dir};
  customerdb::customer_module small_db, large_db,
      disk_db(on_disk(data_dir, customerdb::fsync_policy::everysec));
  std::vector<std::string> small_ids, large_ids, disk_ids;
  std::size_t created = 0;
  grow(small_db, small_ids, small);
  grow(large_db, large_ids, large);
  grow(disk_db, disk_ids, small);
  std::mt19937_64 rng(7);
  std::vector<double> small_tx, large_tx, small_drawn, large_drawn, drawn_ratio, small_create,
      large_create, tx_ratio, small_faults, large_faults, disk_tx, disk_create, disk_tx_ratio,
      disk_create_ratio;
  for (int r = 0; r < rounds; ++r) {
    const auto a = run_round(small_db, small_ids, rng, created, 5000);
    const auto b = run_round(large_db, large_ids, rng, created, 5000);
    const auto d = run_round(disk_db, disk_ids, rng, created, 5000);
    disk_tx.push_back(d.transaction_ns);
    disk_create.push_back(d.create_ns);
    disk_tx_ratio.push_back(d.transaction_ns / a.transaction_ns);
    disk_create_ratio.push_back(d.create_ns / a.create_ns);
    small_tx.push_back(a.transaction_ns);
    large_tx.push_back(b.transaction_ns);
    small_create.push_back(a.create_ns);
    large_create.push_back(b.create_ns);
    tx_ratio.push_back(b.transaction_ns / a.transaction_ns);
    small_drawn.push_back(a.transaction_drawn_ns);
    large_drawn.push_back(b.transaction_drawn_ns);
    drawn_ratio.push_back(b.transaction_drawn_ns / a.transaction_drawn_ns);
    small_faults.push_back(a.create_faults);
    large_faults.push_back(b.create_faults);
  }
  using customerdb::bench::median;
  fmt::print("{:<40} {:>12} {:>12}\n", "median ns per operation", fmt::format("{} rows", small),
             fmt::format("{} rows", large));
  fmt::print(
      "{:<40} {:>12.0f} {:>12.0f}   ratio {:.2f} (median of {} round ratios; target <= 1.5)\n",
      "one-row transaction (begin+update+commit)", median(small_tx), median(large_tx),
      median(tx_ratio), rounds);
  fmt::print("{:<40} {:>12.0f} {:>12.0f}   ratio {:.2f}\n", "  the same, keys drawn in the loop",
             median(small_drawn), median(large_drawn), median(drawn_ratio));
  fmt::print("{:<40} {:>12.0f} {:>12.0f}   (target <= 5000 at {} rows)\n", "auto-commit create",
             median(small_create), median(large_create), large);
  fmt::print("{:<40} {:>12.2f} {:>12.2f}\n", "page faults per create", median(small_faults),
             median(large_faults));
  fmt::print("with a data directory ({} rows; fsync = everysec), over the same in memory:\n",
             small);
  fmt::print("{:<40} {:>12.0f} {:>12}   ratio {:.2f}\n", "one-row transaction", median(disk_tx), "",
             median(disk_tx_ratio));
  fmt::print("{:<40} {:>12.0f} {:>12}   ratio {:.2f}\n", "auto-commit create", median(disk_create),
             "", median(disk_create_ratio));
  return 0;
}

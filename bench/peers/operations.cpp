// The benchmarked operations (operations.hpp).
#include "operations.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <stdexcept>

#include "child_process.hpp"

namespace customerdb::peers {

namespace {

// Keeps the answers alive, so that no call can be optimized away.
std::size_t sink = 0;
void keep(const answer& a) { sink += a.ids.size() + a.count; }

constexpr int query_calls = 20'000;   // at most, per peer and round
constexpr int write_calls = 5'000;    // as bench/commit_bench.cpp
constexpr int durable_calls = 1'000;  // each waits for an fsync
constexpr int concurrent_writers = 8;

constexpr const char* last_names[] = {"Smith", "Jensen", "Garcia", "Khan",
                                      "Wang",  "Ivanova", "Dubois", "Sato"};

// The customers a write operation adds, made before the timed loops: call i adds row i, the same
// row for every peer. Enough for the first untimed round and `rounds` rounds of `calls` each.
std::vector<new_customer> new_customers(char kind, int rounds, int calls) {
  std::vector<new_customer> rows;
  const auto n = static_cast<std::size_t>(rounds + 1) * static_cast<std::size_t>(calls);
  rows.reserve(n);
  for (std::size_t i = 0; i < n; ++i) rows.push_back(data_set::new_customer_for(kind, i));
  return rows;
}

}  // namespace

std::vector<figure> run_operations(round_loop& loop, const data_set& data,
                                   const std::vector<peer*>& peers, const std::string& program,
                                   int rounds, bool reads_only) {
  std::vector<figure> figures;
  const auto report = [&](figure f) {
    fmt::print(stderr, "measured: {}\n", f.name);
    figures.push_back(std::move(f));
  };
  loop.check_answers("after the load");

  report(loop.time_calls("retrieve by id (full row)", op::retrieve, query_calls,
                         [&](peer& p, std::size_t i) { keep(p.retrieve(data.id_key(i))); }));
  report(loop.time_calls("list by e-mail", op::list_by_email, query_calls, [&](peer& p, std::size_t i) {
    keep(p.list_by_email(data.email_key(i)));
  }));
  report(loop.time_calls("first page (15, by id)", op::first_page, query_calls,
                         [&](peer& p, std::size_t) { keep(p.first_page()); }));
  report(loop.time_calls(fmt::format("page at skip {}", data.deep_skip()).c_str(), op::deep_page,
                         query_calls,
                         [&](peer& p, std::size_t) { keep(p.deep_page(data.deep_skip())); }));
  report(loop.time_calls("one group's first page", op::group_page, query_calls,
                         [&](peer& p, std::size_t i) { keep(p.group_page(data.group_id(i))); }));
  report(loop.time_calls("listAndCount by company", op::company_count, query_calls,
                         [&](peer& p, std::size_t i) { keep(p.company_count(data.company(i))); }));
  const double scanned = static_cast<double>(data.customers());
  report(loop.time_calls(
      "q with no match, per customer", op::search, query_calls,
      [&](peer& p, std::size_t) { keep(p.search("no such text")); }, scanned));
  if (reads_only) return figures;

  const auto created = new_customers('a', rounds, write_calls);
  report(loop.time_calls("auto-commit create", op::create, write_calls,
                         [&](peer& p, std::size_t i) { p.create(created[i]); }));
  report(loop.time_calls("one-row update in a transaction", op::update_tx, write_calls,
                         [&](peer& p, std::size_t i) {
                           p.update_tx(data.id_key(i), last_names[i % 8]);
                         }));

  for (auto* p : peers) p->prepare_durable(data);
  const auto durable = new_customers('d', rounds, durable_calls);
  report(loop.time_calls("durable create", op::durable_create, durable_calls,
                         [&](peer& p, std::size_t i) { p.durable_create(durable[i]); }));
  report(loop.time_calls("durable update in a transaction", op::durable_update, durable_calls,
                         [&](peer& p, std::size_t i) {
                           p.durable_update(data.id_key(i + 50'000), last_names[i % 8]);
                         }));
  figure scaling{.name = "8 durable writers over one, same round",
                 .unit = figure_unit::times_one_writer,
                 .lower_is_better = false};
  report(loop.time_concurrent_creates("durable creates, 8 writers", concurrent_writers, scaling));
  report(std::move(scaling));
  // Each save follows a change (untimed), as a snapshot of an unchanged store may be skipped.
  report(loop.measure_once("save (fsynced)", op::save, [&](peer& p, int round) {
    const auto r = static_cast<std::size_t>(round);
    p.update_tx(data.id_key(r), last_names[r % 8]);
    p.durable_update(data.id_key(r), last_names[r % 8]);
    const auto start = std::chrono::steady_clock::now();
    p.save();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }));

  loop.check_answers("after the writes");
  const answer expected = peers.front()->first_page();
  report(loop.measure_once("restart to first answer", op::restart, [&](peer& p, int) {
    const auto result = time_restart(program, p.restart_arguments());
    if (result.first_page.ids != expected.ids)
      throw std::runtime_error(fmt::format("{} restarted answers the first page [{}], not [{}]",
                                           p.name(), fmt::join(result.first_page.ids, " "),
                                           fmt::join(expected.ids, " ")));
    return result.seconds;
  }));
  return figures;
}

}  // namespace customerdb::peers

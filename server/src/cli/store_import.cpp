#include "store_import.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "command.hpp"
#include "customerdb/error.hpp"
#include "error_line.hpp"
#include "progress.hpp"

namespace customerdb::cli {

int run_import(const store_import& job) {
  const auto module = open_module(job.persistence);
  if (!module) return 1;
  const auto start = std::chrono::steady_clock::now();
  staged_rows rows;
  try {
    job.read(rows);
  } catch (const std::exception& e) {
    report_error(fmt::format("{}: {}", job.source, e.what()));
    report_error("nothing was imported");
    return 1;
  }
  const auto read_done = std::chrono::steady_clock::now();
  // The import's steps and when each started, for the summary.
  std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> steps;
  const auto before = module->stats();  // the rows already there
  try {
    const std::size_t total = rows.size();
    progress bar(fmt::format("importing {}", job.source), total, total >= 100'000);
    import_options options;
    options.progress = [&](const progress_report& p) {
      if (steps.empty() || steps.back().first != p.phase)
        steps.emplace_back(p.phase, std::chrono::steady_clock::now());
      bar.step(p.phase, p.done, p.total);
    };
    // The rows go to the snapshot the import takes, not to the journal: written once.
    options.snapshot_instead_of_journal = true;
    module->import_rows(std::move(rows), options);
  } catch (const customerdb::error& e) {
    std::optional<std::uint64_t> line;
    if (job.reopen) {
      if (auto in = job.reopen()) line = find_error_line(*in, e.what());
    }
    if (line) {
      report_error(fmt::format("{}: line {}: {}", job.source, *line, e.what()));
    } else {
      report_error(fmt::format("{}: {}", job.source, e.what()));
    }
    report_error("nothing was imported");
    return 1;
  }
  const auto after = module->stats();
  const std::size_t groups = after.customer_groups - before.customer_groups;
  const std::size_t customers = after.customers - before.customers;
  const std::size_t addresses = after.customer_addresses - before.customer_addresses;
  const std::size_t memberships = after.customer_group_customers - before.customer_group_customers;
  const bool durable = !job.persistence.data_dir.empty();
  const auto seconds = [](auto from, auto to) {
    return std::chrono::duration<double>(to - from).count();
  };
  const auto end = std::chrono::steady_clock::now();
  std::string timings = fmt::format("read {:.1f} s", seconds(start, read_done));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto until = i + 1 < steps.size() ? steps[i + 1].second : end;
    timings += fmt::format(", {} {:.1f} s", steps[i].first, seconds(steps[i].second, until));
  }
  fmt::print(stderr,
             "customerdb: {} {} groups, {} customers, {} addresses and {} memberships from {} "
             "({}){}\n",
             durable ? "imported" : "checked", groups, customers, addresses, memberships,
             job.source, timings,
             durable ? fmt::format(" into {}", job.persistence.data_dir.string())
                     : std::string(" (no --data: nothing kept)"));
  return 0;
}

}  // namespace customerdb::cli

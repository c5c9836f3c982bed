#include "store_import.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <exception>

#include "command.hpp"
#include "customerdb/error.hpp"
#include "error_line.hpp"

namespace customerdb::cli {

int run_import(const store_import& job) {
  const auto module = open_module(job.persistence);
  if (!module) return 1;
  const auto start = std::chrono::steady_clock::now();
  record_set rows;
  try {
    job.read(rows);
  } catch (const std::exception& e) {
    report_error(fmt::format("{}: {}", job.source, e.what()));
    report_error("nothing was imported");
    return 1;
  }
  const auto read_done = std::chrono::steady_clock::now();
  const std::size_t groups = rows.customer_groups.size();
  const std::size_t customers = rows.customers.size();
  const std::size_t addresses = rows.customer_addresses.size();
  const std::size_t memberships = rows.customer_group_customers.size();
  // The import itself shows no progress; say what is going on when it will take a while.
  const std::size_t total = groups + customers + addresses + memberships;
  if (total >= 100'000 && ::isatty(STDERR_FILENO) == 1)
    fmt::print(stderr, "customerdb: checking and importing {} rows\n", total);
  try {
    module->import_records(std::move(rows));
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
  const bool durable = !job.persistence.data_dir.empty();
  if (durable) module->snapshot();
  const auto seconds = [](auto from, auto to) {
    return std::chrono::duration<double>(to - from).count();
  };
  const auto end = std::chrono::steady_clock::now();
  fmt::print(stderr,
             "customerdb: {} {} groups, {} customers, {} addresses and {} memberships from {} "
             "(read {:.1f} s, import {:.1f} s){}\n",
             durable ? "imported" : "checked", groups, customers, addresses, memberships,
             job.source, seconds(start, read_done), seconds(read_done, end),
             durable ? fmt::format(" into {}", job.persistence.data_dir.string())
                     : std::string(" (no --data: nothing kept)"));
  return 0;
}

}  // namespace customerdb::cli

// `customerdb stats --data DIR`: reads the data directory (recovering it as a server would, but
// read-only: nothing in it changes) and prints its row counts, commit sequence, last snapshot and
// the memory the loaded store takes.
#include <fmt/format.h>

#include <string>

#include "command.hpp"

namespace customerdb::cli {

namespace {

double mib(std::size_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace

int stats_command(const arguments& args) {
  po::options_description options("Options");
  const auto p = parse_with_persistence(
      "customerdb stats --data DIR",
      "Reads the store in DIR (the newest valid snapshot and the journal after it, as `serve` "
      "and `rpc`\ndo at start-up) and prints its row counts, commit sequence, last snapshot and "
      "memory. DIR is only\nread: it must exist and hold a store, nothing in it changes, and it "
      "may be read-only; a server\nmust not be using it.",
      options, nullptr, args, store_access::read_only);
  if (p.exit_status) return *p.exit_status;
  if (p.persistence.data_dir.empty()) {
    report_error("stats needs --data DIR");
    return 2;
  }
  const auto module = open_module(p.persistence);
  if (!module) return 1;
  const module_stats s = module->stats();
  fmt::print(
      "data directory       {}\n"
      "customers            {}\n"
      "customer groups      {}\n"
      "customer addresses   {}\n"
      "group memberships    {}\n"
      "commit sequence      {}\n"
      "last snapshot        {}\n"
      "memory               {:.1f} MiB (heap {:.1f} MiB, pool {:.1f} MiB); resident {:.1f} MiB\n",
      p.persistence.data_dir.string(), s.customers, s.customer_groups, s.customer_addresses,
      s.customer_group_customers, s.sequence,
      s.last_snapshot_sequence ? fmt::format("sequence {}, taken {}", *s.last_snapshot_sequence,
                                             to_iso8601(*s.last_snapshot_at))
                               : std::string("none"),
      mib(s.memory_bytes), mib(s.heap_bytes), mib(s.pool_bytes), mib(s.resident_bytes));
  return flush_stdout() ? 0 : 1;
}

}  // namespace customerdb::cli

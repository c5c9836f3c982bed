// customerdb: the command-line program (README.md). `customerdb <command> [options]`.
#include <fmt/format.h>

#include <array>
#include <exception>
#include <string_view>

#include "command.hpp"

namespace {

using customerdb::cli::arguments;

struct command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const arguments&);
};

constexpr std::array commands{
    command{"rpc", "answer JSON-RPC requests on standard input, one per line",
            customerdb::cli::rpc_command},
    command{"serve", "answer JSON-RPC requests over HTTP (POST /rpc)",
            customerdb::cli::serve_command},
    command{"generate", "generate a deterministic fixture of realistic data",
            customerdb::cli::generate_command},
    command{"import", "load a JSON Lines file into a data directory (all or nothing)",
            customerdb::cli::import_command},
    command{"export", "write a data directory out as JSON Lines", customerdb::cli::export_command},
    command{"snapshot", "verify or describe a snapshot file", customerdb::cli::snapshot_command},
    command{"stats", "print the row counts and snapshot state of a data directory",
            customerdb::cli::stats_command},
#ifdef CUSTOMERDB_WITH_POSTGRES
    command{"pg", "copy Medusa's PostgreSQL tables into a data directory, or out to them",
            customerdb::cli::pg_command},
#endif
};

void usage(std::FILE* out) {
  fmt::print(out,
             "Usage: customerdb <command> [options]\n\n"
             "customerdb is Medusa's Customer Module as an in-memory engine with a JSON-RPC\n"
             "protocol. Commands:\n");
  for (const auto& c : commands) fmt::print(out, "  {:<10} {}\n", c.name, c.summary);
  fmt::print(out, "\nRun `customerdb <command> --help` for the options of a command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(stdout);
    return 0;
  }
  for (const auto& c : commands) {
    if (c.name == name) {
      try {
        return c.run(arguments(argv + 2, argv + argc));
      } catch (const std::exception& e) {
        customerdb::cli::report_error(e.what());
        return 1;
      }
    }
  }
  customerdb::cli::report_error(fmt::format("unknown command '{}'", name));
  usage(stderr);
  return 2;
}

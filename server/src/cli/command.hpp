// The `customerdb` command line: one function per subcommand, and the helpers they share
// (option parsing with --help, the persistence flags of docs/persistence.md, opening the module).
#pragma once

#include <boost/program_options.hpp>
#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "customerdb/customer_module.hpp"

namespace customerdb::cli {

namespace po = boost::program_options;

// Arguments of a subcommand: everything after `customerdb <name>`.
using arguments = std::vector<std::string>;

// Subcommands. Each returns the process exit status: 0 success, 1 failure (message on stderr),
// 2 bad usage (message and usage on stderr).
int rpc_command(const arguments& args);       // rpc_command.cpp
int serve_command(const arguments& args);     // serve_command.cpp
int generate_command(const arguments& args);  // generate_command.cpp
int import_command(const arguments& args);    // import_export_command.cpp
int export_command(const arguments& args);    // import_export_command.cpp
int snapshot_command(const arguments& args);  // snapshot_command.cpp
int stats_command(const arguments& args);     // stats_command.cpp
int pg_command(const arguments& args);        // pg_command.cpp (built with libpq only)

// The result of parse(): the options, or the exit status to return at once (after --help: 0,
// after a usage error: 2; both already printed).
struct parsed {
  po::variables_map vars;
  std::optional<int> exit_status;
};

// Parses `args` for the subcommand `usage` names ("customerdb rpc [options]"), with `summary`
// printed under it for --help. Adds --help (-h) to `options`. `positional` may be null.
parsed parse(std::string_view usage, std::string_view summary, po::options_description options,
             const po::positional_options_description* positional, const arguments& args);

// The value of an option that is a whole number from `min` to `max`, in place of po::value<T>():
// decimal digits only, no sign, fraction, exponent or space. Anything else is a usage error
// (printed by parse(), exit status 2): "--threads -1: expected a whole number from 0 to 256".
template <class T>
po::typed_value<T>* whole_number(T min = 0, T max = std::numeric_limits<T>::max());
extern template po::typed_value<unsigned>* whole_number(unsigned, unsigned);
extern template po::typed_value<unsigned long>* whole_number(unsigned long, unsigned long);
extern template po::typed_value<unsigned long long>* whole_number(unsigned long long,
                                                                  unsigned long long);

// How a subcommand uses its data directory.
enum class store_access {
  read_write,  // it keeps the store: --data, --fsync, --snapshot-interval, --snapshot-commits
  read_only,   // it inspects the store: --data only, opened with persistence_options::read_only
  serving,     // read_write, and it answers requests (rpc, serve): also --copy-on-open, the
               // caps on one call
               // (--max-list-values, --max-pattern-length, --max-filter-nodes,
               // --max-relation-depth, --max-answer-rows), --request-timeout-ms and
               // --long-reads
};

// The longest --request-timeout-ms (and a call's timeoutMs): 24 hours.
constexpr std::chrono::milliseconds max_request_timeout{24 * 3600 * 1000};

// parse() for a subcommand that has a store: adds the persistence flags of `access`
// (docs/persistence.md) to `options` and reads the persistence options they give. A bad value
// (`--fsync sometimes`) is a usage error: printed, exit status 2. With store_access::serving,
// also the caps and the time budget of one call (docs/protocol.md, "Limits").
struct parsed_with_persistence : parsed {
  persistence_options persistence;
  query_limits limits;                            // serving only
  std::chrono::milliseconds request_timeout{0};  // serving only; 0: none
  unsigned long_reads = 0;                        // serving only; 0: the module's default
  // Serving only: module_options::replica_of, the source without its password; set by
  // read_replica_flags (replica_flags.hpp: --replica-of, built with PostgreSQL). Empty: no replica.
  std::string replica_of{};
};
parsed_with_persistence parse_with_persistence(std::string_view usage, std::string_view summary,
                                               po::options_description options,
                                               const po::positional_options_description* positional,
                                               const arguments& args,
                                               store_access access = store_access::read_write);

// Opens the module with `options`, the caps `limits`, `long_reads` (module_options::long_reads)
// and `replica_of` (module_options::replica_of). On failure (for a read-only open also: a data
// directory that does not exist or holds no store) prints "customerdb: <message>" to stderr and
// returns null (the caller exits 1).
std::unique_ptr<customer_module> open_module(const persistence_options& options,
                                             const query_limits& limits = {},
                                             unsigned long_reads = 0,
                                             const std::string& replica_of = {});
// As open_module, but throws what the module's constructor throws.
std::unique_ptr<customer_module> make_module(const persistence_options& options,
                                             const query_limits& limits = {},
                                             unsigned long_reads = 0,
                                             const std::string& replica_of = {});

// Calls `visit` for every row of the store in `options.data_dir`, in export order
// (customer_module::export_records): straight from its snapshot when that holds every commit,
// else from the store, loaded read-only. Throws what make_module and `visit` throw.
void export_store(const persistence_options& options, const record_visitor& visit);

// Prints "customerdb: <message>" to stderr.
void report_error(std::string_view message);

// Flushes standard output. When it or an earlier write to it failed (a full disk, a closed
// pipe), prints "customerdb: cannot write to standard output: <reason>" and returns false: the
// caller stops and exits 1.
bool flush_stdout();

}  // namespace customerdb::cli

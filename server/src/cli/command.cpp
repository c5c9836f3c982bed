#include "command.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <exception>
#include <iostream>

#include "progress.hpp"

namespace customerdb::cli {

void report_error(std::string_view message) { fmt::print(stderr, "customerdb: {}\n", message); }

parsed parse(std::string_view usage, std::string_view summary, po::options_description options,
             const po::positional_options_description* positional, const arguments& args) {
  options.add_options()("help,h", "print this help and exit");
  parsed result;
  try {
    po::command_line_parser parser(args);
    parser.options(options);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), result.vars);
    if (result.vars.count("help")) {
      std::cout << "Usage: " << usage << "\n\n" << summary << "\n\n" << options << std::flush;
      result.exit_status = 0;
      return result;
    }
    po::notify(result.vars);
  } catch (const po::error& e) {
    report_error(e.what());
    std::cerr << "Usage: " << usage << "\n(run with --help for the options)\n";
    result.exit_status = 2;
  }
  return result;
}

namespace {

void add_persistence_flags(po::options_description& options) {
  options.add_options()  //
      ("data", po::value<std::string>()->value_name("DIR"),
       "keep the store in DIR (snapshots and journal); without it the store lives in memory "
       "only")  //
      ("fsync", po::value<std::string>()->default_value("everysec")->value_name("POLICY"),
       "journal flush policy: always (a write is on disk before its answer), everysec, no")  //
      ("snapshot-interval", po::value<unsigned>()->default_value(60)->value_name("SECONDS"),
       "take a snapshot this often (0: never on time)")  //
      ("snapshot-commits", po::value<std::uint64_t>()->default_value(100'000)->value_name("N"),
       "take a snapshot after N commits (0: never on count)");
}

persistence_options persistence_from(const po::variables_map& vars) {
  persistence_options p;
  if (vars.count("data")) p.data_dir = vars["data"].as<std::string>();
  if (vars.count("fsync")) {
    const auto& policy = vars["fsync"].as<std::string>();
    if (policy == "always") {
      p.fsync = fsync_policy::always;
    } else if (policy == "everysec") {
      p.fsync = fsync_policy::everysec;
    } else if (policy == "no") {
      p.fsync = fsync_policy::no;
    } else {
      throw po::error(fmt::format("--fsync {}: expected always, everysec or no", policy));
    }
  }
  if (vars.count("snapshot-interval")) {
    p.snapshot_interval = std::chrono::seconds(vars["snapshot-interval"].as<unsigned>());
  }
  if (vars.count("snapshot-commits")) {
    p.snapshot_every_commits = vars["snapshot-commits"].as<std::uint64_t>();
  }
  return p;
}

}  // namespace

parsed_with_persistence parse_with_persistence(std::string_view usage, std::string_view summary,
                                               po::options_description options,
                                               const po::positional_options_description* positional,
                                               const arguments& args) {
  add_persistence_flags(options);
  parsed_with_persistence result{parse(usage, summary, std::move(options), positional, args), {}};
  if (result.exit_status) return result;
  try {
    result.persistence = persistence_from(result.vars);
  } catch (const po::error& e) {
    report_error(e.what());
    result.exit_status = 2;
  }
  return result;
}

std::unique_ptr<customer_module> open_module(const persistence_options& options) {
  try {
    module_options m;
    m.persistence = options;
    // Opening a large data directory takes a while: show it on a terminal.
    progress bar(fmt::format("opening {}", options.data_dir.string()), 0, true);
    m.open_progress = [&](const progress_report& p) {
      bar.step(p.phase, p.done, p.total, p.phase == "journal" ? "commits" : "rows");
    };
    return std::make_unique<customer_module>(std::move(m));
  } catch (const std::exception& e) {
    report_error(e.what());
    return nullptr;
  }
}

}  // namespace customerdb::cli

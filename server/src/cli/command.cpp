#include "command.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>

#include "progress.hpp"

namespace customerdb::cli {

void export_store(const persistence_options& options, const record_visitor& visit) {
  if (customer_module::export_snapshot(options, visit)) return;
  make_module(options)->export_records(visit);
}

void report_error(std::string_view message) { fmt::print(stderr, "customerdb: {}\n", message); }

bool flush_stdout() {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return true;
  report_error(fmt::format("cannot write to standard output: {}",
                           errno != 0 ? std::strerror(errno) : "write error"));
  return false;
}

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

template <class T>
class whole_number_value final : public po::typed_value<T> {
 public:
  whole_number_value(T min, T max) : po::typed_value<T>(nullptr), min_(min), max_(max) {}

  void xparse(boost::any& store, const std::vector<std::string>& tokens) const override {
    po::validators::check_first_occurrence(store);
    const std::string& text = po::validators::get_single_string(tokens);
    T value{};
    const char* end = text.data() + text.size();
    const auto [stop, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || stop != end || value < min_ || value > max_) {
      po::error_with_option_name e(fmt::format(
          "%canonical_option% %value%: expected a whole number from {} to {}", min_, max_));
      e.set_substitute("value", text);
      throw e;
    }
    store = value;
  }

 private:
  T min_, max_;
};

// The caps of query_limits as flags: name, member, help.
struct limit_flag {
  const char* name;
  std::size_t query_limits::*member;
  const char* help;
};
constexpr limit_flag limit_flags[] = {
    {"max-list-values", &query_limits::max_list_values,
     "the most values in one $in or $nin list (0: no cap)"},
    {"max-pattern-length", &query_limits::max_pattern_length,
     "the most characters in a $like, $ilike or $re pattern or in q (0: no cap)"},
    {"max-filter-nodes", &query_limits::max_filter_nodes,
     "the most conditions and operators in one filter (0: no cap)"},
    {"max-relation-depth", &query_limits::max_relation_depth,
     "the most relations one inside another, in a filter or a relations path (0: no cap)"},
    {"max-answer-rows", &query_limits::max_answer_rows,
     "the most rows in one answer, related rows included (0: no cap)"},
};

void add_serving_flags(po::options_description& options) {
  const query_limits defaults;
  for (const auto& flag : limit_flags)
    options.add_options()(
        flag.name,
        whole_number<std::size_t>()->default_value(defaults.*flag.member)->value_name("N"),
        flag.help);
  options.add_options()(
      "request-timeout-ms",
      whole_number<std::uint64_t>(0, static_cast<std::uint64_t>(max_request_timeout.count()))
          ->default_value(30'000)
          ->value_name("MS"),
      "the time budget of one call when its context gives no timeoutMs; past "
      "it the call fails with timed_out (0: none)");
  options.add_options()(
      "long-reads", whole_number<unsigned>(0, 1024)->default_value(0)->value_name("N"),
      "how many long reads (scans, large sorts and answers) work at once; the others wait "
      "their turn (0: one less than the hardware threads, at least one, so that a core is "
      "left for short requests and commits)");
}

void add_persistence_flags(po::options_description& options, store_access access) {
  if (access == store_access::serving) {
    options.add_options()(
        "copy-on-open", po::bool_switch(),
        "load the store of --data DIR and leave DIR unchanged: the store is then in memory "
        "only, and writes are never written back (for tests that start from a fixture)");
  }
  if (access == store_access::read_only) {
    options.add_options()("data", po::value<std::string>()->value_name("DIR"),
                          "the data directory to read (it must exist; nothing in it changes)");
    return;
  }
  options.add_options()  //
      ("data", po::value<std::string>()->value_name("DIR"),
       "keep the store in DIR (snapshots and journal); without it the store lives in memory "
       "only")  //
      ("fsync", po::value<std::string>()->default_value("everysec")->value_name("POLICY"),
       "journal flush policy: always (a write is on disk before its answer), everysec, no")  //
      ("snapshot-interval", whole_number<unsigned>()->default_value(60)->value_name("SECONDS"),
       "take a snapshot this often (0: never on time)")  //
      ("snapshot-commits", whole_number<std::uint64_t>()->default_value(100'000)->value_name("N"),
       "take a snapshot after N commits (0: never on count)");
}

persistence_options persistence_from(const po::variables_map& vars, store_access access) {
  persistence_options p;
  if (vars.count("data")) p.data_dir = vars["data"].as<std::string>();
  p.read_only = access == store_access::read_only;
  if (p.read_only && p.data_dir.empty())
    throw po::error("--data DIR is required: the data directory to read");
  if (vars.count("copy-on-open") && vars["copy-on-open"].as<bool>()) {
    if (p.data_dir.empty()) throw po::error("--copy-on-open needs --data DIR");
    p.copy_on_open = true;
  }
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

template <class T>
po::typed_value<T>* whole_number(T min, T max) {
  return new whole_number_value<T>(min, max);
}
template po::typed_value<unsigned>* whole_number(unsigned, unsigned);
template po::typed_value<unsigned long>* whole_number(unsigned long, unsigned long);
template po::typed_value<unsigned long long>* whole_number(unsigned long long, unsigned long long);

parsed_with_persistence parse_with_persistence(std::string_view usage, std::string_view summary,
                                               po::options_description options,
                                               const po::positional_options_description* positional,
                                               const arguments& args, store_access access) {
  add_persistence_flags(options, access);
  if (access == store_access::serving) add_serving_flags(options);
  parsed_with_persistence result{parse(usage, summary, std::move(options), positional, args),
                                 {},
                                 {},
                                 std::chrono::milliseconds{0}};
  if (result.exit_status) return result;
  try {
    result.persistence = persistence_from(result.vars, access);
  } catch (const po::error& e) {
    report_error(e.what());
    result.exit_status = 2;
  }
  if (access == store_access::serving) {
    for (const auto& flag : limit_flags)
      result.limits.*flag.member = result.vars[flag.name].as<std::size_t>();
    result.request_timeout =
        std::chrono::milliseconds(result.vars["request-timeout-ms"].as<std::uint64_t>());
    result.long_reads = result.vars["long-reads"].as<unsigned>();
  }
  return result;
}

std::unique_ptr<customer_module> make_module(const persistence_options& options,
                                             const query_limits& limits, unsigned long_reads,
                                             const std::string& replica_of) {
  module_options m;
  m.persistence = options;
  m.limits = limits;
  m.long_reads = long_reads;
  m.replica_of = replica_of;
  // Opening a large data directory takes a while: show it on a terminal.
  progress bar(fmt::format("opening {}", options.data_dir.string()), 0, true);
  m.open_progress = [&](const progress_report& p) {
    bar.step(p.phase, p.done, p.total, p.phase == "journal" ? "commits" : "rows");
  };
  return std::make_unique<customer_module>(std::move(m));
}

std::unique_ptr<customer_module> open_module(const persistence_options& options,
                                             const query_limits& limits, unsigned long_reads,
                                             const std::string& replica_of) {
  try {
    return make_module(options, limits, long_reads, replica_of);
  } catch (const std::exception& e) {
    report_error(e.what());
    return nullptr;
  }
}

}  // namespace customerdb::cli

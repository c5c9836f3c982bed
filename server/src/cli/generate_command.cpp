// `customerdb generate`: a deterministic fixture of realistic rows
// (customerdb/server/fixture_generator.hpp), written as JSON Lines or imported into a store.
#include <fmt/format.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "command.hpp"
#include "customerdb/server/fixture_generator.hpp"
#include "customerdb/server/jsonl.hpp"
#include "jsonl_file.hpp"
#include "store_import.hpp"

namespace customerdb::cli {

int generate_command(const arguments& args) {
  server::fixture_options fixture;
  po::options_description options("Options");
  options.add_options()  //
      ("customers", whole_number<std::uint64_t>()->required()->value_name("N"),
       "number of customers (required; at most 100,000,000)")  //
      ("groups", whole_number<std::uint64_t>()->default_value(fixture.groups)->value_name("G"),
       "number of customer groups (at most 1,000,000)")  //
      ("addresses-per-customer",
       whole_number<std::uint64_t>()
           ->default_value(fixture.addresses_per_customer)
           ->value_name("A"),
       "addresses of each customer (at most 100)")  //
      ("seed", whole_number<std::uint64_t>()->default_value(fixture.seed)->value_name("S"),
       "the same seed gives the same bytes on every machine")  //
      ("out", po::value<std::string>()->value_name("FILE"),
       "write JSON Lines to FILE (- for standard output), streaming: memory does not grow with "
       "N");
  auto p = parse_with_persistence(
      "customerdb generate --customers N [--groups G] [--addresses-per-customer A] [--seed S] "
      "(--out FILE | --data DIR)",
      "Generates deterministic, realistic rows: groups, customers (names, unique e-mails, phone "
      "numbers,\ncompanies, metadata, some soft-deleted), addresses in several countries (at "
      "most one default\nshipping and billing address each) and group memberships. Writes them "
      "as JSON Lines (--out),\nor imports them into the store in DIR as `customerdb import` "
      "does (--data).",
      options, nullptr, args);
  if (p.exit_status) return *p.exit_status;
  const bool to_file = p.vars.count("out") > 0;
  if (to_file == !p.persistence.data_dir.empty()) {
    report_error("give exactly one of --out FILE and --data DIR");
    return 2;
  }
  fixture.customers = p.vars["customers"].as<std::uint64_t>();
  fixture.groups = p.vars["groups"].as<std::uint64_t>();
  fixture.addresses_per_customer = p.vars["addresses-per-customer"].as<std::uint64_t>();
  fixture.seed = p.vars["seed"].as<std::uint64_t>();
  try {
    server::check_fixture_options(fixture);
  } catch (const std::invalid_argument& e) {
    report_error(e.what());
    return 2;
  }
  const auto produce = [&](const record_visitor& visit) {
    server::generate_fixture(fixture, visit);
  };
  if (to_file) {
    return write_jsonl_file(p.vars["out"].as<std::string>(), "generating",
                            fixture.customers >= 100'000, produce);
  }
  store_import job;
  job.persistence = p.persistence;
  job.source = fmt::format("generated fixture (seed {})", fixture.seed);
  job.read = [&](staged_rows& rows) { produce([&](const record& r) { rows.add(r); }); };
  return run_import(job);
}

}  // namespace customerdb::cli

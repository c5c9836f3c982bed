// `customerdb pg import` and `customerdb pg export`: Medusa's PostgreSQL tables into and out
// of a data directory (customerdb/postgres/medusa_tables.hpp, docs/postgres.md).
#include <fmt/format.h>

#include <chrono>
#include <exception>
#include <iostream>
#include <string>

#include "command.hpp"
#include "customerdb/postgres/medusa_tables.hpp"
#include "customerdb/postgres/pg_error.hpp"
#include "progress.hpp"
#include "store_import.hpp"

namespace customerdb::cli {

namespace {

namespace pg = customerdb::postgres;

constexpr const char* url_help =
    "the database: a libpq connection string or URL (\"host=/run/postgresql dbname=medusa\", "
    "\"postgresql://user@host:5432/medusa\"); its current schema (search_path) holds the tables";

// Feeds a progress line from the transfer's reports.
pg::progress_callback show_on(progress& bar) {
  return [&bar](const pg::transfer_progress& p) {
    bar.step(fmt::format("{} table", p.table), p.rows, 0);
  };
}

std::string counts_text(const pg::table_counts& n) {
  return fmt::format("{} groups, {} customers, {} addresses and {} memberships", n.customer_groups,
                     n.customers, n.customer_addresses, n.customer_group_customers);
}

int pg_import(const arguments& args) {
  po::options_description options("Options");
  options.add_options()("url", po::value<std::string>()->required()->value_name("URL"), url_help);
  auto p = parse_with_persistence(
      "customerdb pg import --url URL [--data DIR] [options]",
      "Copies Medusa's four customer tables (customer, customer_group, customer_address,\n"
      "customer_group_customer; the May 2024 or the v2 schema, told apart by their columns) "
      "into the\nstore in DIR, in one consistent read (a REPEATABLE READ transaction), all or "
      "nothing: a row\nthat breaks customerdb's rules imports nothing and is named. Timestamps "
      "are kept to the\nmillisecond (microseconds are dropped, as Medusa's JavaScript drops "
      "them). Without --data the\ntables are only read and checked.",
      options, nullptr, args, store_access::read_write);
  if (p.exit_status) return *p.exit_status;
  const auto url = p.vars["url"].as<std::string>();
  store_import job;
  job.persistence = p.persistence;
  job.source = "PostgreSQL";
  job.read = [&](staged_rows& rows) {
    progress bar("reading PostgreSQL", 0, true);
    const auto result = pg::read_medusa_tables(url, rows, show_on(bar));
    bar.finish(0, result.rows.total());
    fmt::print(stderr, "customerdb: read {} from Medusa's {} tables\n", counts_text(result.rows),
               pg::to_string(result.generation));
  };
  return run_import(job);
}

pg::schema_generation generation_named(const std::string& name) {
  if (name == "v2") return pg::schema_generation::v2;
  if (name == "may-2024") return pg::schema_generation::may_2024;
  throw po::error(fmt::format("--create {}: expected v2 or may-2024", name));
}

pg::non_empty_tables non_empty_named(const std::string& name) {
  if (name == "refuse") return pg::non_empty_tables::refuse;
  if (name == "append") return pg::non_empty_tables::append;
  if (name == "replace") return pg::non_empty_tables::replace;
  throw po::error(fmt::format("--if-not-empty {}: expected refuse, append or replace", name));
}

int pg_export(const arguments& args) {
  po::options_description options("Options");
  options.add_options()("url", po::value<std::string>()->required()->value_name("URL"), url_help)(
      "create", po::value<std::string>()->default_value("v2")->value_name("v2|may-2024"),
      "the schema of the tables to create when the database has none of them: Medusa v2's "
      "(deleted_at on addresses and memberships) or the May 2024 release's")(
      "if-not-empty", po::value<std::string>()->default_value("refuse")->value_name("WHAT"),
      "when the tables already hold rows: refuse (write nothing), append (add the rows beside "
      "them) or replace (delete theirs first, in the same transaction)");
  auto p = parse_with_persistence(
      "customerdb pg export --url URL --data DIR [options]",
      "Writes every row of the store in DIR (soft-deleted ones included) into Medusa's four "
      "customer\ntables, in one transaction (all or nothing), through COPY. Tables that do not "
      "exist are created\nwith Medusa's DDL (--create); tables that exist are written in their "
      "schema (May 2024 tables\ncannot hold soft-deleted addresses or memberships). DIR is only "
      "read.",
      options, nullptr, args, store_access::read_only);
  if (p.exit_status) return *p.exit_status;
  pg::write_options write;
  try {
    write.create = generation_named(p.vars["create"].as<std::string>());
    write.non_empty = non_empty_named(p.vars["if-not-empty"].as<std::string>());
  } catch (const po::error& e) {
    report_error(e.what());
    std::cerr << "Usage: customerdb pg export --url URL --data DIR [options]\n";
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  progress bar("writing PostgreSQL", 0, true);
  write.progress = show_on(bar);
  const auto result = pg::write_medusa_tables(
      p.vars["url"].as<std::string>(),
      [&](const record_visitor& visit) { export_store(p.persistence, visit); }, write);
  bar.finish(0, result.rows.total());
  fmt::print(stderr, "customerdb: wrote {} into {}Medusa {} tables in {:.1f} s\n",
             counts_text(result.rows), result.created ? "new " : "",
             pg::to_string(result.generation),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

}  // namespace

int pg_command(const arguments& args) {
  const std::string usage =
      "Usage: customerdb pg import --url URL [--data DIR] [options]\n"
      "       customerdb pg export --url URL --data DIR [options]\n\n"
      "Moves a store into and out of Medusa's PostgreSQL tables (docs/postgres.md).\n"
      "Run `customerdb pg import --help` or `customerdb pg export --help` for the options.\n";
  if (args.empty()) {
    std::cerr << usage;
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage;
    return 0;
  }
  const arguments rest(args.begin() + 1, args.end());
  try {
    if (args[0] == "import") return pg_import(rest);
    if (args[0] == "export") return pg_export(rest);
  } catch (const std::exception& e) {
    // The server's refusals (pg_error), and the store's (customerdb::error: a data directory
    // that cannot be read).
    report_error(e.what());
    report_error(args[0] == "import" ? "nothing was imported" : "nothing was written");
    return 1;
  }
  report_error(fmt::format("unknown pg command '{}' (import or export)", args[0]));
  std::cerr << usage;
  return 2;
}

}  // namespace customerdb::cli

// `customerdb snapshot info|verify PATH`: describes or checks snapshot files (the header, and
// for verify the payload's checksum and rows), without opening a store.
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "command.hpp"
#include "customerdb/snapshot_file.hpp"

namespace customerdb::cli {
namespace {

namespace fs = std::filesystem;

// PATH itself, or the snapshot files of the directory PATH, oldest first.
std::vector<fs::path> snapshot_files(const fs::path& path) {
  if (!fs::is_directory(path)) return {path};
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(path)) {
    const auto name = e.path().filename().string();
    if (e.is_regular_file() && name.starts_with("snapshot-") && name.ends_with(".snap"))
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void print_info(const fs::path& path, const snapshot_file_info& s) {
  fmt::print(
      "file                 {}\n"
      "format version       {}\n"
      "sequence             {}\n"
      "created at           {}\n"
      "customer groups      {}\n"
      "customers            {}\n"
      "customer addresses   {}\n"
      "group memberships    {}\n"
      "payload bytes        {}\n"
      "payload checksum     {:016x} (XXH3-64)\n"
      "file bytes           {}\n",
      path.string(), s.format_version, s.sequence, to_iso8601(s.created_at), s.customer_groups,
      s.customers, s.customer_addresses, s.customer_group_customers, s.payload_bytes,
      s.payload_checksum, s.file_bytes);
  // PostgreSQL's text form of a WAL position: the high and low 32 bits in hex.
  if (s.source_position) {
    fmt::print("source position      {:X}/{:X}\n", *s.source_position >> 32,
               *s.source_position & 0xFFFFFFFFu);
  }
}

}  // namespace

int snapshot_command(const arguments& args) {
  po::options_description options("Options");
  options.add_options()  //
      ("action", po::value<std::string>()->required()->value_name("ACTION"),
       "info: print the header; verify: also check the payload's checksum and rows")  //
      ("path", po::value<std::string>()->required()->value_name("PATH"),
       "a snapshot file, or a data directory (every snapshot in it)");
  po::positional_options_description positional;
  positional.add("action", 1).add("path", 1);
  const auto p = parse("customerdb snapshot info|verify PATH",
                       "Describes (info) or checks (verify) snapshot files, without opening the "
                       "store.\nExit status 0 when every file passes, 1 when one is damaged or "
                       "unreadable.",
                       options, &positional, args);
  if (p.exit_status) return *p.exit_status;
  const auto action = p.vars["action"].as<std::string>();
  if (action != "info" && action != "verify") {
    report_error(fmt::format("unknown action '{}': expected info or verify", action));
    return 2;
  }
  const fs::path path = p.vars["path"].as<std::string>();
  std::vector<fs::path> files;
  try {
    files = snapshot_files(path);
  } catch (const std::exception& e) {
    report_error(e.what());
    return 1;
  }
  if (files.empty()) {
    report_error(fmt::format("no snapshot files in {}", path.string()));
    return 1;
  }
  int status = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    try {
      if (action == "info") {
        if (i > 0) fmt::print("\n");
        print_info(files[i], read_snapshot_info(files[i]));
      } else {
        const auto s = verify_snapshot(files[i]);
        fmt::print("ok {}: sequence {}, {} customers, {} groups, {} addresses, {} memberships\n",
                   files[i].string(), s.sequence, s.customers, s.customer_groups,
                   s.customer_addresses, s.customer_group_customers);
      }
    } catch (const std::exception& e) {
      report_error(e.what());
      status = 1;
    }
  }
  return flush_stdout() ? status : 1;
}

}  // namespace customerdb::cli

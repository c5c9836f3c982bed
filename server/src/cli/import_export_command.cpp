// `customerdb import FILE` and `customerdb export FILE`: JSON Lines fixtures (see
// customerdb/server/jsonl.hpp) into and out of a store.
#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "command.hpp"
#include "jsonl_file.hpp"
#include "store_import.hpp"

namespace customerdb::cli {

namespace {

// Data directories of this many bytes or more get a progress line when exported (on a
// terminal).
constexpr std::uint64_t large_store = 64 << 20;

// The bytes of the files directly in `dir` (0 when it cannot be listed).
std::uint64_t directory_bytes(const std::filesystem::path& dir) {
  std::uint64_t bytes = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    const auto size = it->file_size(size_ec);
    if (!size_ec) bytes += size;
  }
  return bytes;
}

// A command of the form `customerdb <name> FILE [--data DIR] [persistence flags of access]`.
struct file_command {
  std::optional<int> exit_status;  // set: return it at once (help printed, or bad usage)
  std::string path;
  persistence_options persistence;
};

file_command parse_file_command(std::string_view usage, std::string_view summary,
                                const char* file_help, store_access access,
                                const arguments& args) {
  po::options_description options("Options");
  options.add_options()("file", po::value<std::string>()->required()->value_name("FILE"),
                        file_help);
  po::positional_options_description positional;
  positional.add("file", 1);
  auto p = parse_with_persistence(usage, summary, options, &positional, args, access);
  file_command c;
  c.exit_status = p.exit_status;
  if (c.exit_status) return c;
  c.path = p.vars["file"].as<std::string>();
  c.persistence = p.persistence;
  return c;
}

}  // namespace

int import_command(const arguments& args) {
  const auto c = parse_file_command(
      "customerdb import FILE [--data DIR] [options]",
      "Loads a JSON Lines fixture (one row per line with a \"type\" tag, as `export` and "
      "`generate` write\nit) into the store in DIR, all or nothing: a bad line or a broken rule "
      "(duplicate id or e-mail,\ntwo default addresses, a missing customer or group) imports "
      "nothing and names the line.\nWithout --data the file is only checked.",
      "the JSON Lines file to load (the first argument); - reads standard input",
      store_access::read_write, args);
  if (c.exit_status) return *c.exit_status;
  store_import job;
  job.persistence = c.persistence;
  job.source = c.path;
  job.read = [&](staged_rows& rows) { read_jsonl_file(c.path, rows); };
  if (c.path != "-") {
    job.reopen = [&]() -> std::unique_ptr<std::istream> {
      try {
        return open_input(c.path);
      } catch (const std::exception&) {
        return nullptr;
      }
    };
  }
  return run_import(job);
}

int export_command(const arguments& args) {
  const auto c = parse_file_command(
      "customerdb export FILE [--data DIR]",
      "Writes every row of the store in DIR (soft-deleted ones included) as JSON Lines, one row "
      "per line\nwith a \"type\" tag: groups, customers, addresses, then memberships, each in "
      "id order. `import`\nreads the file back. DIR is only read: it must exist and hold a "
      "store, nothing in it changes,\nand it may be read-only; a server must not be using it.",
      "the JSON Lines file to write (the first argument); - writes standard output",
      store_access::read_only, args);
  if (c.exit_status) return *c.exit_status;
  return write_jsonl_file(c.path, "exporting to",
                          directory_bytes(c.persistence.data_dir) >= large_store,
                          [&](const record_visitor& visit) { export_store(c.persistence, visit); });
}

}  // namespace customerdb::cli

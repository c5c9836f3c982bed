#include "jsonl_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <system_error>

#include "command.hpp"
#include "customerdb/server/jsonl.hpp"
#include "progress.hpp"

namespace customerdb::cli {

namespace {

// Files of this size or more get a progress line (on a terminal).
constexpr std::uint64_t large_file = 16 << 20;

}  // namespace

std::unique_ptr<std::istream> open_input(const std::string& path) {
  auto in = std::make_unique<std::ifstream>(path, std::ios::in | std::ios::binary);
  if (!in->is_open())
    throw std::runtime_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  return in;
}

void read_jsonl_file(const std::string& path, record_set& rows) {
  std::unique_ptr<std::istream> file;
  std::istream* in = &std::cin;
  std::uint64_t size = 0;
  if (path == "-") {
    std::ios::sync_with_stdio(false);
  } else {
    file = open_input(path);
    in = file.get();
    std::error_code ec;
    size = std::filesystem::file_size(path, ec);
    if (ec) size = 0;
  }
  progress bar(fmt::format("reading {}", path), size, size >= large_file);
  server::jsonl_reader reader(*in);
  record r;
  std::uint64_t count = 0;
  while (reader.next(r)) {
    server::add_record(rows, std::move(r));
    bar.update(reader.bytes(), ++count);
  }
  bar.finish(reader.bytes(), count);
}

int write_jsonl_file(const std::string& path, std::string_view label, bool large,
                     const row_producer& produce) {
  const bool to_stdout = path == "-";
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<std::ofstream> file;
  try {
    std::ostream* out = &std::cout;
    if (to_stdout) {
      std::ios::sync_with_stdio(false);
    } else {
      file =
          std::make_unique<std::ofstream>(path, std::ios::out | std::ios::trunc | std::ios::binary);
      if (!file->is_open())
        throw std::runtime_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
      out = file.get();
    }
    progress bar(fmt::format("{} {}", label, path), 0, large);
    server::jsonl_writer writer(*out);
    produce([&](const record& r) {
      writer.write(r);
      bar.update(writer.bytes(), writer.rows());
    });
    writer.flush();
    bar.finish(writer.bytes(), writer.rows());
    if (file) {
      file->close();
      if (!*file) throw std::runtime_error(fmt::format("cannot write {}", path));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print(stderr, "customerdb: wrote {} rows ({} bytes) to {} in {:.1f} s\n", writer.rows(),
               writer.bytes(), path, seconds);
  } catch (const std::exception& e) {
    report_error(e.what());
    if (file) {
      file.reset();
      std::error_code ec;
      std::filesystem::remove(path, ec);  // no half-written fixture
    }
    return 1;
  }
  return 0;
}

}  // namespace customerdb::cli

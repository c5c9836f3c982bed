// Fuzz target: `customerdb import FILE` without --data, through the program's own code
// (server/src/cli): the input is the JSON Lines file, read by read_jsonl_file (blocks of lines
// decoded on several threads into staged rows), imported by run_import into a module in memory,
// and, when the engine refuses a rule, read again by find_error_line to name the line. The file
// lives in a fresh directory under /dev/shm (the system's temporary directory where there is no
// /dev/shm).
//
// Every outcome run_import reports (exit status 0 or 1, a message on stderr) is an answer; an
// exception that escapes it, or another exit status, is reported by the fuzzer as a crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "jsonl_file.hpp"
#include "store_import.hpp"

namespace {

// Inputs longer than this are skipped (scripts/fuzz also passes it as -max_len).
constexpr std::size_t max_input = 16384;

// This process's directory for the input file, removed at exit.
class input_dir {
 public:
  input_dir() {
    const std::filesystem::path shm = "/dev/shm";
    const auto base =
        std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
    path_ = base / ("customerdb-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~input_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  input_dir(const input_dir&) = delete;
  input_dir& operator=(const input_dir&) = delete;

  std::filesystem::path file() const { return path_ / "input.jsonl"; }

 private:
  std::filesystem::path path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > max_input) return 0;
  using namespace customerdb;
  static const input_dir dir;
  const std::string path = dir.file().string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out.flush()) {
      std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
      std::abort();
    }
  }
  cli::store_import job;
  job.source = path;
  job.read = [&](staged_rows& rows) { cli::read_jsonl_file(path, rows); };
  job.reopen = [&]() -> std::unique_ptr<std::istream> { return cli::open_input(path); };
  const int status = cli::run_import(job);
  if (status != 0 && status != 1) {
    std::fprintf(stderr, "fuzz: run_import returned %d\n", status);
    std::abort();
  }
  return 0;
}

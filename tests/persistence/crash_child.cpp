// The crash test's child: opens the data directory given as its first argument with fsync
// `always`, runs the workload from commit argv[2] on, and writes "ack <k>" on standard output
// once commit k has returned. A second thread takes snapshots all the while. It runs until the
// parent kills it.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "customerdb/customerdb.hpp"
#include "persistence/support/crash_workload.hpp"

namespace {

// One line on standard output in one write(2): a kill leaves whole lines or a cut-off last one.
void say(const std::string& line) {
  const std::string text = line + "\n";
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(1, p, left);
    if (n <= 0) std::_Exit(3);  // the parent is gone
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace customerdb;
  if (argc != 3) return 2;
  testing::crash::clock_source clock;
  module_options options;
  options.clock = clock.function();
  options.persistence.data_dir = argv[1];
  options.persistence.fsync = fsync_policy::always;
  options.persistence.snapshot_every_commits = 20;
  options.persistence.snapshot_interval = std::chrono::seconds(1);
  customer_module m(options);
  say(fmt::format("ready {}", m.stats().sequence));
  std::thread snapshots([&] {
    for (;;) {
      try {
        m.snapshot();
      } catch (const std::exception& e) {
        say(fmt::format("error {}", e.what()));
        std::_Exit(1);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  });
  snapshots.detach();  // runs until the kill
  for (int k = std::atoi(argv[2]);; ++k) {
    try {
      testing::crash::run_commit(m, clock, k);
    } catch (const std::exception& e) {
      say(fmt::format("error {}", e.what()));
      std::_Exit(1);
    }
    say(fmt::format("ack {}", k));
  }
}

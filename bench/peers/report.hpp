// What the benchmark hands back: a markdown table on standard output, a JSON file with every
// round's values, and PNG plots drawn with gnuplot when it is installed (skipped with a message
// otherwise).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "figure.hpp"

namespace customerdb::peers {

struct run_description {
  std::size_t customers = 0;
  int rounds = 0;
  int budget_ms = 0;
  std::vector<std::string> peers;  // in column order, customerdb first
  std::string date;                // UTC, ISO 8601
  std::string machine;             // CPU model and count
};

run_description describe_run(std::size_t customers, int rounds, int budget_ms,
                             std::vector<std::string> peers);

void print_table(const run_description& run, const std::vector<figure>& figures);
void write_json(const std::filesystem::path& path, const run_description& run,
                const std::vector<figure>& figures);
// Writes ratios.png and latency.png (with their .dat and .gp sources) into `dir`.
void draw_plots(const std::filesystem::path& dir, const run_description& run,
                const std::vector<figure>& figures);

}  // namespace customerdb::peers

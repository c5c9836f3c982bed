// Timing helpers shared by the benchmark programs.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace customerdb::bench {

// The value given as `--name value` on the command line, or `fallback`.
inline std::string option(int argc, char** argv, std::string_view name, std::string fallback) {
  for (int i = 1; i + 1 < argc; i += 2)
    if (name == argv[i]) return argv[i + 1];
  return fallback;
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs op(i) `per_round` times in each of `rounds` rounds; returns the median, over rounds, of
// the mean nanoseconds per call within a round.
template <class Op>
double measure(int rounds, int per_round, Op&& op) {
  using clock = std::chrono::steady_clock;
  std::vector<double> samples;
  for (int r = 0; r < rounds; ++r) {
    const auto start = clock::now();
    for (int i = 0; i < per_round; ++i) op(r * per_round + i);
    samples.push_back(std::chrono::duration<double, std::nano>(clock::now() - start).count() /
                      per_round);
  }
  return median(samples);
}

}  // namespace customerdb::bench

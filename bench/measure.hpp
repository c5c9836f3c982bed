// Timing helpers shared by the benchmark programs.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
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

// Exits with a usage message unless argv is pairs of an option in `known` and its value.
inline void check_options(int argc, char** argv, std::initializer_list<std::string_view> known,
                          std::string_view usage) {
  for (int i = 1; i < argc; i += 2) {
    const bool is_known = std::find(known.begin(), known.end(), argv[i]) != known.end();
    if (is_known && i + 1 < argc) continue;
    std::fprintf(stderr, "%s: %s %s\nusage: %s %.*s\n", argv[0],
                 is_known ? "no value for" : "unknown option", argv[i], argv[0],
                 static_cast<int>(usage.size()), usage.data());
    std::exit(2);
  }
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

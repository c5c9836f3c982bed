// A progress line on standard error for long imports, exports and generations:
//   importing fixture.jsonl: 512.0 MiB of 1.9 GiB (26%), 1234567 rows, 98.1 MiB/s
// or, for a step counted in rows:
//   importing fixture.jsonl: checking 1234567 of 4017484 rows (30%), 2.1M rows/s
// It is drawn only when standard error is a terminal and the work is large (or of unknown
// size), at most ten times a second and only after the first half second, so short runs and
// redirected output never see it.
//
// Thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace customerdb::cli {

class progress {
 public:
  // `label` starts the line ("importing fixture.jsonl"). `total_bytes` is the expected size
  // (0: unknown). `large` says whether the work is big enough to show progress for; work of
  // unknown size counts as large.
  progress(std::string label, std::uint64_t total_bytes, bool large);
  // Ends the line if one was drawn.
  ~progress();
  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;

  // Reports the bytes and rows done so far. Cheap: looks at the clock every 1024 calls.
  void update(std::uint64_t bytes, std::uint64_t rows) {
    if (enabled_ && (++calls_ & 1023) == 0) draw(bytes, rows, false);
  }
  // The same for callers that report rarely (a few times a second or less): looks at the
  // clock on every call.
  void refresh(std::uint64_t bytes, std::uint64_t rows) {
    if (enabled_) draw(bytes, rows, false);
  }
  // Reports a step counted in `unit`s: "<label>: <step> 1234567 of 4017484 rows (30%),
  // 2.1M rows/s", or without "of ..." when `total` is 0 (not known).
  void step(std::string_view name, std::uint64_t done, std::uint64_t total,
            std::string_view unit = "rows");
  // Draws the final figures (when a line was drawn before) and ends the line.
  void finish(std::uint64_t bytes, std::uint64_t rows);

 private:
  void draw(std::uint64_t bytes, std::uint64_t rows, bool final);
  // Whether to draw now: after the first half second, at most ten times a second.
  bool due(bool final);

  std::string label_;
  std::uint64_t total_bytes_;
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t calls_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  std::string step_;  // the step `step` last drew, and when it started
  std::chrono::steady_clock::time_point step_start_;
};

}  // namespace customerdb::cli

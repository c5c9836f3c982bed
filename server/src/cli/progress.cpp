#include "progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

namespace customerdb::cli {

namespace {

using clock = std::chrono::steady_clock;

constexpr auto first_draw = std::chrono::milliseconds(500);
constexpr auto redraw = std::chrono::milliseconds(100);

// "512.0 MiB"
std::string human_bytes(double bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(units)) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} {}", bytes, units[unit])
                   : fmt::format("{:.1f} {}", bytes, units[unit]);
}

}  // namespace

progress::progress(std::string label, std::uint64_t total_bytes, bool large)
    : label_(std::move(label)),
      total_bytes_(total_bytes),
      enabled_(::isatty(STDERR_FILENO) == 1 && (large || total_bytes == 0)),
      start_(clock::now()),
      last_(start_) {}

progress::~progress() {
  if (drawn_) std::fputs("\n", stderr);
}

void progress::finish(std::uint64_t bytes, std::uint64_t rows) {
  if (!drawn_) return;
  draw(bytes, rows, true);
  std::fputs("\n", stderr);
  drawn_ = false;
}

bool progress::due(bool final) {
  const auto now = clock::now();
  if (!final && (now - start_ < first_draw || now - last_ < redraw)) return false;
  last_ = now;
  return true;
}

void progress::step(std::string_view name, std::uint64_t done, std::uint64_t total,
                    std::string_view unit) {
  if (!enabled_) return;
  if (name != step_) {  // a new step: its rate counts from now
    step_ = name;
    step_start_ = clock::now();
  }
  if (!due(false)) return;
  const double seconds = std::chrono::duration<double>(last_ - step_start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const std::string of =
      total > 0 ? fmt::format(" of {} {} ({}%)", total, unit, done * 100 / total)
                : fmt::format(" {}", unit);
  fmt::print(stderr, "\r{}: {} {}{}, {:.2f}M {}/s\x1b[K", label_, name, done, of, rate / 1e6,
             unit);
  std::fflush(stderr);
  drawn_ = true;
}

void progress::draw(std::uint64_t bytes, std::uint64_t rows, bool final) {
  if (!due(final)) return;
  const double seconds = std::chrono::duration<double>(last_ - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(bytes) / seconds : 0;
  std::string done = human_bytes(static_cast<double>(bytes));
  if (total_bytes_ > 0) {
    done = fmt::format("{} of {} ({}%)", done, human_bytes(static_cast<double>(total_bytes_)),
                       bytes * 100 / total_bytes_);
  }
  // \r returns to the start of the line, \x1b[K clears what a longer line left behind.
  fmt::print(stderr, "\r{}: {}, {} rows, {}/s\x1b[K", label_, done, rows, human_bytes(rate));
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace customerdb::cli

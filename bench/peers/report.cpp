// The benchmark's outputs: table, JSON and plots (report.hpp).
#include "report.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace customerdb::peers {

namespace {

const char* unit_name(figure_unit u) {
  switch (u) {
    case figure_unit::nanoseconds: return "ns";
    case figure_unit::seconds: return "s";
    case figure_unit::commits_per_second: return "commits/s";
    case figure_unit::bytes: return "bytes/customer";
    case figure_unit::times_one_writer: return "times one writer";
  }
  return "";
}

// "1,234,567" for 1234567.
std::string grouped(double v) {
  const auto digits = fmt::format("{:.0f}", std::fabs(v));
  std::string out = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// A value in the unit a reader takes in at a glance.
std::string shown(double v, figure_unit u) {
  if (std::isnan(v)) return "";
  switch (u) {
    case figure_unit::nanoseconds:
      if (v < 100) return fmt::format("{:.1f} ns", v);
      if (v < 10'000) return grouped(v) + " ns";
      if (v < 1'000'000) return fmt::format("{:.1f} µs", v / 1e3);
      return fmt::format("{:.2f} ms", v / 1e6);
    case figure_unit::seconds:
      return v < 0.1 ? fmt::format("{:.1f} ms", v * 1e3) : fmt::format("{:.2f} s", v);
    case figure_unit::commits_per_second: return grouped(v) + "/s";
    case figure_unit::bytes: return grouped(v) + " B";
    case figure_unit::times_one_writer: return fmt::format("×{:.2f}", v);
  }
  return "";
}

// 0.52, 3.1, 42, 1,234.
std::string shown_ratio(double r) {
  if (r < 10) return fmt::format("{:.2f}", r);
  if (r < 100) return fmt::format("{:.1f}", r);
  return grouped(r);
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string json_number(double v) { return std::isnan(v) ? "null" : fmt::format("{}", v); }

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

}  // namespace

run_description describe_run(std::size_t customers, int rounds, int budget_ms,
                             std::vector<std::string> peers) {
  return {.customers = customers,
          .rounds = rounds,
          .budget_ms = budget_ms,
          .peers = std::move(peers),
          .date = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(
                                                           std::chrono::system_clock::now())),
          .machine = fmt::format("{}, {} CPUs", cpu_model(), std::thread::hardware_concurrency())};
}

void print_table(const run_description& run, const std::vector<figure>& figures) {
  fmt::print("\n{} customers, {} rounds, {} ms per peer and round; {}; {}\n\n",
             grouped(static_cast<double>(run.customers)), run.rounds, run.budget_ms, run.machine,
             run.date);
  fmt::print("| Operation |");
  for (const auto& p : run.peers) fmt::print(" {} |", p);
  fmt::print("\n|---|");
  for (std::size_t i = 0; i < run.peers.size(); ++i) fmt::print("---:|");
  fmt::print("\n");
  for (const auto& f : figures) {
    fmt::print("| {} |", f.name);
    for (const auto& p : run.peers) {
      const double v = median_value(f, p), ratio = median_ratio(f, p);
      if (std::isnan(v)) fmt::print(" — |");
      else if (std::isnan(ratio)) fmt::print(" {} |", shown(v, f.unit));
      else fmt::print(" {} (×{}) |", shown(v, f.unit), shown_ratio(ratio));
    }
    fmt::print("\n");
  }
  fmt::print(
      "\nMedians over rounds; (×r) is the median of the per-round ratios to customerdb, "
      "oriented so that r > 1 means customerdb does better (time, size: peer / customerdb; "
      "commits/s: customerdb / peer).\n");
  for (const auto& f : figures)
    if (!f.note.empty()) fmt::print("- {}: {}\n", f.name, f.note);
  std::fflush(stdout);
}

void write_json(const std::filesystem::path& path, const run_description& run,
                const std::vector<figure>& figures) {
  std::string out = "{\n";
  out += fmt::format("  \"customers\": {},\n  \"rounds\": {},\n  \"budget_ms\": {},\n",
                     run.customers, run.rounds, run.budget_ms);
  out += fmt::format("  \"date\": {},\n  \"machine\": {},\n", json_string(run.date),
                     json_string(run.machine));
  out += "  \"figures\": [";
  for (std::size_t i = 0; i < figures.size(); ++i) {
    const auto& f = figures[i];
    out += fmt::format(
        "{}\n    {{\"name\": {}, \"unit\": \"{}\", \"lower_is_better\": {}, \"note\": {}, "
        "\"peers\": {{",
        i ? "," : "", json_string(f.name), unit_name(f.unit), f.lower_is_better,
        json_string(f.note));
    bool first = true;
    for (const auto& p : run.peers) {
      const auto it = f.values.find(p);
      if (it == f.values.end()) continue;
      const auto calls = f.calls_per_round.find(p);
      const auto ratios = f.ratios.find(p);
      out += fmt::format(
          "{}\n      {}: {{\"median\": {}, \"values\": [{}], \"median_ratio\": {}, "
          "\"ratios\": [{}], \"calls_per_round\": {}}}",
          first ? "" : ",", json_string(p), json_number(median_value(f, p)),
          fmt::join(it->second, ", "), json_number(median_ratio(f, p)),
          ratios == f.ratios.end() ? "" : fmt::format("{}", fmt::join(ratios->second, ", ")),
          calls == f.calls_per_round.end() ? "null" : fmt::format("{}", calls->second));
      first = false;
    }
    out += "}}";
  }
  out += "\n  ]\n}\n";
  std::ofstream file(path);
  file << out;
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

void draw_plots(const std::filesystem::path& dir, const run_description& run,
                const std::vector<figure>& figures) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    fmt::print(stderr,
               "plots skipped: gnuplot is not installed (with gnuplot, {}/ratios.png and "
               "latency.png are drawn)\n",
               dir.string());
    return;
  }
  std::filesystem::create_directories(dir);
  // ratios.dat: one line per figure, a column per peer other than customerdb.
  // latency.dat: one line per call-timed figure, a column per peer (nanoseconds).
  std::ofstream ratios(dir / "ratios.dat"), latency(dir / "latency.dat");
  for (const auto& f : figures) {
    ratios << '"' << f.name << '"';
    for (std::size_t i = 1; i < run.peers.size(); ++i) {
      const double r = median_ratio(f, run.peers[i]);
      ratios << ' ' << (std::isnan(r) ? std::string("NaN") : fmt::format("{}", r));
    }
    ratios << '\n';
    if (f.unit != figure_unit::nanoseconds) continue;
    latency << '"' << f.name << '"';
    for (const auto& p : run.peers) {
      const double v = median_value(f, p);
      latency << ' ' << (std::isnan(v) ? std::string("NaN") : fmt::format("{}", v));
    }
    latency << '\n';
  }
  ratios.close();
  latency.close();
  const auto plot = [&](const char* name, const char* ylabel, std::size_t first_peer) {
    std::string columns;
    for (std::size_t i = first_peer; i < run.peers.size(); ++i)
      columns += fmt::format("{}'{}.dat' using {}:xtic(1) title '{}'", columns.empty() ? "" : ", ",
                             name, i - first_peer + 2, run.peers[i]);
    std::ofstream gp(dir / fmt::format("{}.gp", name));
    gp << "set terminal pngcairo size 1400,700\n"
       << fmt::format("set output '{}.png'\n", name)
       << fmt::format("set title 'customerdb peers, {} customers ({})'\n", run.customers, run.date)
       << "set style data histograms\nset style histogram clustered\nset style fill solid 0.8\n"
       << "set logscale y\nset xtics rotate by -30\nset grid ytics\nset key top left\n"
       << "set rmargin 14\n"  // room for the last label, rotated to the right
       << fmt::format("set ylabel '{}'\n", ylabel) << "plot " << columns << "\n";
  };
  plot("ratios", "peer / customerdb (>1: customerdb better)", 1);
  plot("latency", "ns per call (median)", 0);
  for (const char* name : {"ratios", "latency"}) {
    const auto command = fmt::format("cd '{}' && gnuplot {}.gp", dir.string(), name);
    if (std::system(command.c_str()) != 0)
      fmt::print(stderr, "gnuplot failed on {}/{}.gp\n", dir.string(), name);
  }
  fmt::print(stderr, "plots: {}/ratios.png, {}/latency.png\n", dir.string(), dir.string());
}

}  // namespace customerdb::peers

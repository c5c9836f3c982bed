// One measured figure: an operation's value for each peer in each round, and the ratios of
// each peer to customerdb in the same round. What the round loop (rounds.hpp) produces and the
// report (report.hpp) prints.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace customerdb::peers {

enum class figure_unit {
  nanoseconds,       // per call
  seconds,           // per call (save, restart, bulk load)
  commits_per_second,
  bytes,             // per customer
  times_one_writer,  // commits per second from several writers over one's, in the same round
};

struct figure {
  std::string name{};
  figure_unit unit = figure_unit::nanoseconds;
  bool lower_is_better = true;
  // Peer name -> one value per round (one value in all for the figures measured once).
  std::map<std::string, std::vector<double>> values{};
  // Peer name (not customerdb) -> per-round peer / customerdb, oriented so that > 1 means
  // customerdb does better: a time or size ratio peer/customerdb, a throughput ratio
  // customerdb/peer.
  std::map<std::string, std::vector<double>> ratios{};
  // Calls per round, per peer (how the time budget sized each peer's rounds).
  std::map<std::string, int> calls_per_round{};
  std::string note{};
};

// The median of the values (of the ratios) of `peer`; NaN when it has none.
double median_value(const figure& f, const std::string& peer);
double median_ratio(const figure& f, const std::string& peer);
// Fills f.ratios from f.values, round by round, against the peer named `reference`.
void add_ratios(figure& f, const std::string& reference);

}  // namespace customerdb::peers

// The interleaved round loop, written once for every operation and peer: in each round, every
// peer that supports the operation runs it back-to-back, so the noise of a shared machine hits
// all peers alike. Also the checks that every peer gives customerdb's answers.
//
// A call-timed operation runs a number of calls per round fixed for each peer by a first,
// untimed round that runs for the time budget (a warm-up too): fast peers run more calls,
// slow ones fewer, all for about the same time. A figure is the median over rounds of the mean
// time per call within a round.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "data_set.hpp"
#include "figure.hpp"
#include "peer.hpp"

namespace customerdb::peers {

struct round_settings {
  int rounds = 5;
  std::chrono::milliseconds budget{200};  // per peer and round
};

class round_loop {
 public:
  // peers[0] is customerdb: the reference for ratios and answers.
  round_loop(const data_set& data, std::vector<peer*> peers, round_settings settings);

  // Times `call(peer, call_number)`, at most `max_calls` calls per round; the figure is
  // nanoseconds per call divided by `per` (e.g. per customer scanned).
  figure time_calls(const char* name, op o, int max_calls,
                    const std::function<void(peer&, std::size_t)>& call, double per = 1);
  // Durable creates from `writers` threads at once, each with its own writer, for the budget:
  // commits per second. Each round of a peer first measures one writer the same way, right
  // before: `scaling` gets the round's rate of `writers` over one's (a ratio taken within a
  // round, as the disk's fsync time drifts from minute to minute).
  figure time_concurrent_creates(const char* name, int writers, figure& scaling);
  // Runs `run(peer, round)` once per round; it measures and returns the seconds itself.
  figure measure_once(const char* name, op o, const std::function<double(peer&, int)>& run);

  // Checks that every peer answers each query as customerdb does (a few arguments each);
  // throws std::runtime_error describing the first difference. `when` names the moment.
  void check_answers(const char* when) const;

 private:
  std::vector<peer*> supporting(op o) const;
  double concurrent_rate(peer& p, int writers, char kind, std::size_t first) const;
  void add_ratios(figure& f) const;

  const data_set& data_;
  std::vector<peer*> peers_;
  round_settings settings_;
};

}  // namespace customerdb::peers

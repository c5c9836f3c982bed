// The interleaved round loop and the answer checks (rounds.hpp).
#include "rounds.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "../measure.hpp"

namespace customerdb::peers {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::string describe(const answer& a) {
  return fmt::format("[{}] count {}", fmt::join(a.ids, ", "), a.count);
}

}  // namespace

round_loop::round_loop(const data_set& data, std::vector<peer*> peers, round_settings settings)
    : data_(data), peers_(std::move(peers)), settings_(settings) {}

std::vector<peer*> round_loop::supporting(op o) const {
  std::vector<peer*> r;
  for (auto* p : peers_)
    if (p->supports(o)) r.push_back(p);
  return r;
}

void round_loop::add_ratios(figure& f) const { peers::add_ratios(f, peers_.front()->name()); }

figure round_loop::time_calls(const char* name, op o, int max_calls,
                              const std::function<void(peer&, std::size_t)>& call, double per) {
  figure f{.name = name, .unit = figure_unit::nanoseconds};
  const auto peers = supporting(o);
  // The untimed first round: how many calls fit in the budget (at least one).
  std::map<std::string, std::size_t> next_call;
  for (auto* p : peers) {
    const auto start = clock_type::now();
    int calls = 0;
    while (calls < max_calls &&
           (calls == 0 || clock_type::now() - start < settings_.budget))
      call(*p, static_cast<std::size_t>(calls++));
    f.calls_per_round[p->name()] = calls;
    next_call[p->name()] = static_cast<std::size_t>(calls);
  }
  for (int r = 0; r < settings_.rounds; ++r)
    for (auto* p : peers) {
      const int calls = f.calls_per_round[p->name()];
      auto& base = next_call[p->name()];
      const double ns = customerdb::bench::measure(
          1, calls, [&](int i) { call(*p, base + static_cast<std::size_t>(i)); });
      base += static_cast<std::size_t>(calls);
      f.values[p->name()].push_back(ns / per);
    }
  add_ratios(f);
  return f;
}

// Durable creates from `writers` threads of `p` for the budget; rows "<kind><first + ...>".
// Returns commits per second.
double round_loop::concurrent_rate(peer& p, int writers, char kind, std::size_t first) const {
  p.open_writers(writers);
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> commits{0};
  std::vector<std::thread> threads;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const auto start = clock_type::now();
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      try {
        for (std::size_t j = 0; !stop.load(std::memory_order_relaxed); ++j) {
          const std::size_t seq = first + static_cast<std::size_t>(w) * 10'000'000 + j;
          p.durable_create_on(w, data_set::new_customer_for(kind, seq));
          commits.fetch_add(1, std::memory_order_relaxed);
          if (clock_type::now() - start >= settings_.budget) stop = true;
        }
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        failure = std::current_exception();
        stop = true;
      }
    });
  for (auto& t : threads) t.join();
  const double elapsed = seconds_since(start);
  p.close_writers();
  if (failure) std::rethrow_exception(failure);
  return static_cast<double>(commits.load()) / elapsed;
}

figure round_loop::time_concurrent_creates(const char* name, int writers, figure& scaling) {
  figure f{.name = name, .unit = figure_unit::commits_per_second, .lower_is_better = false};
  const auto peers = supporting(op::concurrent_create);
  for (int r = 0; r < settings_.rounds; ++r)
    for (auto* p : peers) {
      // Every peer adds the same rows in a round; thread w's ids start at seq + w * 10,000,000.
      const std::size_t seq = static_cast<std::size_t>(r) * static_cast<std::size_t>(writers) *
                              10'000'000;
      const double one = concurrent_rate(*p, 1, 'e', seq);
      const double many = concurrent_rate(*p, writers, 'c', seq);
      f.values[p->name()].push_back(many);
      scaling.values[p->name()].push_back(many / one);
    }
  add_ratios(f);
  add_ratios(scaling);
  return f;
}

figure round_loop::measure_once(const char* name, op o,
                                const std::function<double(peer&, int)>& run) {
  figure f{.name = name, .unit = figure_unit::seconds};
  const auto peers = supporting(o);
  for (int r = 0; r < settings_.rounds; ++r)
    for (auto* p : peers) f.values[p->name()].push_back(run(*p, r));
  add_ratios(f);
  return f;
}

void round_loop::check_answers(const char* when) const {
  struct query {
    const char* name;
    op o;
    std::function<answer(peer&, std::size_t)> ask;
  };
  const std::vector<query> queries = {
      {"retrieve by id", op::retrieve, [&](peer& p, std::size_t i) { return p.retrieve(data_.id_key(i)); }},
      {"list by e-mail", op::list_by_email,
       [&](peer& p, std::size_t i) { return p.list_by_email(data_.email_key(i)); }},
      {"first page", op::first_page, [&](peer& p, std::size_t) { return p.first_page(); }},
      {"deep page", op::deep_page,
       [&](peer& p, std::size_t) { return p.deep_page(data_.deep_skip()); }},
      {"one group's first page", op::group_page,
       [&](peer& p, std::size_t i) { return p.group_page(data_.group_id(i)); }},
      {"listAndCount by company", op::company_count,
       [&](peer& p, std::size_t i) { return p.company_count(data_.company(i)); }},
      {"q with no match", op::search, [&](peer& p, std::size_t) { return p.search("no such text"); }},
  };
  peer& reference = *peers_.front();
  for (const auto& q : queries)
    for (std::size_t i = 0; i < 3; ++i) {
      const answer expected = q.ask(reference, i * 7);
      if (expected.ids.empty() && q.o != op::search)
        throw std::runtime_error(fmt::format("check {}: customerdb answered nothing to {} #{}",
                                             when, q.name, i));
      for (auto* p : supporting(q.o)) {
        if (p == &reference) continue;
        const answer got = q.ask(*p, i * 7);
        if (got != expected)
          throw std::runtime_error(fmt::format(
              "check {}: {} answers {} #{} differently from customerdb\n  customerdb: {}\n  {}: {}",
              when, p->name(), q.name, i, describe(expected), p->name(), describe(got)));
      }
    }
}

}  // namespace customerdb::peers

// The benchmarked operations, in the order they run, each written once over the peer interface
// and timed by the round loop: the queries, the in-memory writes, the durable writes (alone and
// from 8 threads), save and restart. Answers are checked before and after the writes.
#pragma once

#include <string>
#include <vector>

#include "figure.hpp"
#include "rounds.hpp"

namespace customerdb::peers {

// `program`: this executable, run again for the restarts. `rounds` must match the loop's.
// `reads_only`: stop after the queries (for a replica, which takes no writes).
std::vector<figure> run_operations(round_loop& loop, const data_set& data,
                                   const std::vector<peer*>& peers, const std::string& program,
                                   int rounds, bool reads_only = false);

}  // namespace customerdb::peers

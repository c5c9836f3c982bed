// The measurements that need a process of their own:
//   - resident memory: a peer's load in a forked child, RSS (/proc/self/statm) before and after,
//     divided by the number of customers;
//   - restart to first answer: this program run again in a hidden mode (`--restart-child KIND
//     PATH`) that opens the saved data and prints the first page's ids on one line; the parent
//     times the wall clock from the spawn until that line arrives.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "data_set.hpp"
#include "peer.hpp"

namespace customerdb::peers {

// Forks; the child builds a peer with `make`, loads `data` into it and reports the growth of its
// resident set; returns that growth divided by the number of customers.
double resident_bytes_per_customer(const std::function<std::unique_ptr<peer>()>& make,
                                   const data_set& data);

struct restart_result {
  double seconds = 0;  // spawn to the answer line
  answer first_page;
};

// Runs `program --restart-child arguments...` and times it to its answer.
restart_result time_restart(const std::string& program, const std::vector<std::string>& arguments);

// The hidden mode's body: answers the first page of the saved data of peer `kind` at `path` on
// standard output and exits at once. Returns the process's exit status.
int restart_child_main(const std::string& kind, const std::string& path);

}  // namespace customerdb::peers

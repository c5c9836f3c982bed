// The common interface of the peers (customerdb, SQLite, PostgreSQL, a bare hash map): one
// virtual function per benchmarked operation, so that each operation is written once per peer
// and the timing and checking loops (operations.cpp) once for all of them.
//
// A peer that has no sensible version of an operation says so in `supports`; the loops skip it
// there (the base class's functions throw, so a mistake shows at once).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "data_set.hpp"

namespace customerdb::peers {

// What a query returned, as the checks compare it: the ids of the rows in order (for a retrieve,
// also its e-mail and company name) and, for listAndCount, the count.
struct answer {
  std::vector<std::string> ids;
  std::size_t count = 0;
  friend bool operator==(const answer&, const answer&) = default;
};

// Every benchmarked operation (operations.cpp names them and says how each is timed).
enum class op {
  retrieve,           // retrieve by id, the full row
  list_by_email,      // list with an e-mail equality
  first_page,         // list(): take 15, order by id
  deep_page,          // list() at skip min(150,000, N / 2)
  group_page,         // customers of one group, first page
  company_count,      // listAndCount with a company_name equality
  search,             // listAndCount with a `q` that matches nothing
  create,             // auto-commit create of one customer
  update_tx,          // begin, update one customer, commit
  durable_create,     // the same with fsync on
  durable_update,     // the same with fsync on
  concurrent_create,  // durable creates from 8 threads at once
  save,               // a snapshot / backup to a file, fsynced
  restart,            // a new process opens the saved data and answers the first page
  memory,             // resident bytes per customer after the load
  bulk_load,          // the load of the whole data set
};

// The operations every full peer (customerdb, SQLite, PostgreSQL) implements, declared once:
// `CUSTOMERDB_PEER_OPERATIONS(virtual, )` in the class peer below (prepare_durable and
// close_writers do nothing there, the others throw: peer.cpp), and
// `CUSTOMERDB_PEER_OPERATIONS(, override)` in each full peer.
//   prepare_durable     untimed setup before the durable operations (a second, durable copy of
//                       the data)
//   open_writers(n)     opens `n` writers (connections) for concurrent_create;
//                       durable_create_on(w, ...) is then called from one thread per writer w
//                       at once, and close_writers after them.
//   the others          one per operation of the same name (enum op).
#define CUSTOMERDB_PEER_OPERATIONS(head, tail)                                        \
  head void prepare_durable(const data_set& data) tail;                               \
  head answer retrieve(const std::string& id) tail;                                   \
  head answer list_by_email(const std::string& email) tail;                           \
  head answer first_page() tail;                                                      \
  head answer deep_page(std::size_t skip) tail;                                       \
  head answer group_page(const std::string& group_id) tail;                           \
  head answer company_count(const std::string& company) tail;                         \
  head answer search(const std::string& text) tail;                                   \
  head void create(const new_customer& c) tail;                                       \
  head void update_tx(const std::string& id, const std::string& last_name) tail;      \
  head void durable_create(const new_customer& c) tail;                               \
  head void durable_update(const std::string& id, const std::string& last_name) tail; \
  head void open_writers(int n) tail;                                                 \
  head void durable_create_on(int writer, const new_customer& c) tail;                \
  head void close_writers() tail;

class peer {
 public:
  virtual ~peer() = default;
  virtual std::string name() const = 0;
  virtual bool supports(op) const = 0;

  // Untimed preparation of the load: what the peer's load takes as its input, made ready
  // (customerdb's import_records takes its own copy of the records).
  virtual void stage(const data_set&) {}
  // Loads the data set (timed as bulk_load).
  virtual void load(const data_set& data) = 0;
  CUSTOMERDB_PEER_OPERATIONS(virtual, )

  virtual void save();
  // Releases what a restarting process needs (customerdb's data directory lock); returns the
  // arguments of the hidden mode that restarts this peer in a new process (restart.hpp).
  virtual std::vector<std::string> restart_arguments();

  // For a peer whose memory is not its process's (PostgreSQL): bytes of its tables per
  // customer. Others are measured in a forked child (restart.hpp).
  virtual std::optional<double> stored_bytes_per_customer() { return std::nullopt; }

 protected:
  [[noreturn]] void unsupported(const char* what) const;
};

}  // namespace customerdb::peers

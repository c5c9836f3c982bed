// customerdb as a peer: the engine in this process, through its public C++ API.
//
// Queries, creates and updates go to a store in memory only (no data directory). The durable
// operations, save and restart use a second store of the same data in a data directory with
// fsync `always` (a commit returns once an fsync covers it; concurrent commits share one),
// snapshots only when asked (docs/persistence.md).
//
// With a replica source (--store-from-replica), the in-memory store is a read-only replica
// instead: load() publishes PostgreSQL's four tables (publication and slot customerdb_peers,
// dropped by the destructor) and starts a postgres::replica of them, which makes its initial
// copy, then streams every later change; the peer then takes part in the reads only.
#pragma once

#include <customerdb/customerdb.hpp>
#include <customerdb/postgres/replica.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "peer.hpp"

namespace customerdb::peers {

class customerdb_peer final : public peer {
 public:
  // `data_dir`: where the durable store lives (emptied by prepare_durable). `replica_source`:
  // a libpq connection string of the PostgreSQL whose tables the store replicates, or empty.
  explicit customerdb_peer(std::filesystem::path data_dir, std::string replica_source = {});
  ~customerdb_peer() override;

  std::string name() const override {
    return replica_source_.empty() ? "customerdb" : "customerdb replica";
  }
  bool supports(op o) const override;

  void stage(const data_set& data) override;
  void load(const data_set& data) override;
  CUSTOMERDB_PEER_OPERATIONS(, override)

  void save() override;
  std::vector<std::string> restart_arguments() override;

  // With a replica: waits until the store holds customer `id` (committed at the source); throws
  // std::runtime_error when the replica is stale or a minute has passed.
  void wait_for_customer(const std::string& id) const;

 private:
  std::filesystem::path data_dir_;
  std::string replica_source_;
  std::optional<customerdb::record_set> staged_;  // the records load imports, when staged
  customerdb::customer_module memory_;
  std::unique_ptr<customerdb::postgres::replica> replica_;  // stopped before memory_ goes
  std::unique_ptr<customerdb::customer_module> durable_;
};

// The restart's child: opens the data directory `dir` (a snapshot and its journal) and returns
// the first page.
answer customerdb_first_page_after_open(const std::filesystem::path& dir);

}  // namespace customerdb::peers

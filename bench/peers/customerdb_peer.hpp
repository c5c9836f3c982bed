// customerdb as a peer: the engine in this process, through its public C++ API.
//
// Queries, creates and updates go to a store in memory only (no data directory). The durable
// operations, save and restart use a second store of the same data in a data directory with
// fsync `always` (a commit returns once an fsync covers it; concurrent commits share one),
// snapshots only when asked (docs/persistence.md).
#pragma once

#include <customerdb/customerdb.hpp>
#include <filesystem>
#include <memory>
#include <optional>

#include "peer.hpp"

namespace customerdb::peers {

class customerdb_peer final : public peer {
 public:
  // `data_dir`: where the durable store lives (emptied by prepare_durable).
  explicit customerdb_peer(std::filesystem::path data_dir);

  std::string name() const override { return "customerdb"; }
  bool supports(op) const override { return true; }

  void stage(const data_set& data) override;
  void load(const data_set& data) override;
  CUSTOMERDB_PEER_OPERATIONS(, override)

  void save() override;
  std::vector<std::string> restart_arguments() override;

 private:
  std::filesystem::path data_dir_;
  std::optional<customerdb::record_set> staged_;  // the records load imports, when staged
  customerdb::customer_module memory_;
  std::unique_ptr<customerdb::customer_module> durable_;
};

// The restart's child: opens the data directory `dir` (a snapshot and its journal) and returns
// the first page.
answer customerdb_first_page_after_open(const std::filesystem::path& dir);

}  // namespace customerdb::peers

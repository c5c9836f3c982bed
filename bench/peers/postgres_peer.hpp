// PostgreSQL 15 as a peer: a server reached through libpq over a unix socket (the connection
// string comes from --postgres; scripts/bench-peers starts a throwaway cluster), with Medusa's
// customer tables (sql_text.hpp), prepared statements, and COPY for the bulk load.
//
// The main connection runs with synchronous_commit off (a commit does not wait for the WAL
// flush, as customerdb's in-memory store does not); the durable operations use connections with
// synchronous_commit on (a commit returns once its WAL is flushed). Both write the same tables.
// The cluster must use the C collation (initdb --no-locale) so that ORDER BY id sorts bytes, as
// customerdb and SQLite do; the load checks it. Save and restart are not measured: PostgreSQL's
// data is on disk already, and a server start is not comparable with opening a file.
#pragma once

#include <memory>
#include <vector>

#include "customerdb/postgres/connection.hpp"
#include "peer.hpp"
#include "sql_text.hpp"

namespace customerdb::peers {

class postgres_peer final : public peer {
 public:
  explicit postgres_peer(std::string conninfo);
  ~postgres_peer() override;

  std::string name() const override { return "PostgreSQL"; }
  bool supports(op o) const override { return o != op::save && o != op::restart; }

  void load(const data_set& data) override;
  CUSTOMERDB_PEER_OPERATIONS(, override)

  std::optional<double> stored_bytes_per_customer() override;

 private:
  std::unique_ptr<postgres::connection> connect(bool synchronous_commit);

  std::string conninfo_;
  std::size_t customers_ = 0;
  std::unique_ptr<postgres::connection> main_;
  std::unique_ptr<postgres::connection> durable_;
  std::vector<std::unique_ptr<postgres::connection>> writers_;
};

}  // namespace customerdb::peers

// `--replica-of URL` of `customerdb rpc` and `customerdb serve` (replica_flags.hpp): the flags,
// the postgres::replica kept beside the store, and its report for `stats` and GET /health.
#include <fmt/format.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include "customerdb/postgres/lsn.hpp"
#include "customerdb/postgres/redacted_conninfo.hpp"
#include "customerdb/postgres/replica.hpp"
#include "replica_flags.hpp"

namespace customerdb::cli {

namespace {

namespace json = boost::json;
namespace pg = customerdb::postgres;

constexpr const char* default_name = "customerdb";

// The report's object (docs/protocol.md, "stats").
json::object encode(const pg::replica_status& s, const replica_flags& flags,
                    const std::string& source_name) {
  json::object out{
      {"source", source_name},
      {"slot", flags.slot},
      {"publication", flags.publication},
      {"state", pg::to_string(s.state)},
      {"position", nullptr},
      {"sourceWalEnd", pg::lsn{s.source_wal_end}.to_string()},
      {"lagBytes", s.lag_bytes},
      {"lastApplyLagMs", nullptr},
      {"transactionsApplied", s.transactions_applied},
      {"changesApplied", s.changes_applied},
      {"reconnects", s.reconnects},
      {"lastError", nullptr},
  };
  if (s.position) out["position"] = pg::lsn{*s.position}.to_string();
  if (s.last_apply_lag) out["lastApplyLagMs"] = s.last_apply_lag->count();
  if (!s.last_error.empty()) out["lastError"] = s.last_error;
  return out;
}

}  // namespace

void add_replica_flags(po::options_description& options) {
  options.add_options()  //
      ("replica-of", po::value<std::string>()->value_name("URL"),
       "keep the store a read-only copy of Medusa's customer tables in this PostgreSQL database "
       "(a libpq connection string or URL, for a role that may replicate), through logical "
       "replication: an initial copy, then each of the source's transactions as it commits. "
       "Writes from clients are refused; with --data, --fsync is always; `stats` and GET "
       "/health report the replica")  //
      ("replica-slot", po::value<std::string>()->default_value(default_name)->value_name("NAME"),
       "the replication slot the replica creates on the source and streams from")  //
      ("replica-publication",
       po::value<std::string>()->default_value(default_name)->value_name("NAME"),
       "the source's publication of the four tables that the replica streams");
}

replica_flags read_replica_flags(parsed_with_persistence& parsed) {
  if (parsed.exit_status) return {};
  const auto& vars = parsed.vars;
  const auto refuse = [&](std::string_view message) {
    report_error(message);
    parsed.exit_status = 2;
    return replica_flags{};
  };
  if (!vars.count("replica-of")) {
    for (const char* name : {"replica-slot", "replica-publication"})
      if (!vars[name].defaulted()) return refuse(fmt::format("--{} needs --replica-of URL", name));
    return {};
  }
  replica_flags flags{vars["replica-of"].as<std::string>(), vars["replica-slot"].as<std::string>(),
                      vars["replica-publication"].as<std::string>()};
  if (flags.source.empty()) return refuse("--replica-of: the source's URL is empty");
  if (flags.slot.empty()) return refuse("--replica-slot: the slot's name is empty");
  if (flags.publication.empty())
    return refuse("--replica-publication: the publication's name is empty");
  if (parsed.persistence.copy_on_open)
    return refuse(
        "--copy-on-open cannot be used with --replica-of: the replica confirms the changes it "
        "applies to the source, which then may forget them, while a copy-on-open store never "
        "keeps them");
  if (!parsed.persistence.data_dir.empty()) {
    if (!vars["fsync"].defaulted() && parsed.persistence.fsync != fsync_policy::always)
      return refuse(fmt::format(
          "--fsync {} cannot be used with --replica-of: the replica confirms each position to "
          "the source only once it is durable in --data (the source may then recycle its WAL "
          "up to there), so a replica's journal is synced at every commit (--fsync always, its "
          "default with --replica-of)",
          vars["fsync"].as<std::string>()));
    parsed.persistence.fsync = fsync_policy::always;
  }
  parsed.replica_of = pg::redacted_conninfo(flags.source);
  return flags;
}

struct replica_link::impl {
  replica_flags flags;
  std::string source_name;   // the source without its password
  mutable std::mutex mutex;  // guards replica (the reporter's threads against stop())
  std::optional<pg::replica> replica;
  bool stopped = false;

  server::replica_report report() const {
    pg::replica_status status;
    {
      std::lock_guard lock(mutex);
      if (replica)
        status = replica->status();
      else
        status.state = stopped ? pg::replica_state::stopped : pg::replica_state::connecting;
    }
    return {.stale = status.state == pg::replica_state::stale,
            .json = json::serialize(encode(status, flags, source_name))};
  }
};

replica_link::replica_link(replica_flags flags) : impl_(std::make_unique<impl>()) {
  impl_->source_name = pg::redacted_conninfo(flags.source);
  impl_->flags = std::move(flags);
}

replica_link::~replica_link() { stop(); }

void replica_link::start(customer_module& store) {
  if (impl_->flags.source.empty()) return;
  pg::replica_options options;
  options.source = impl_->flags.source;
  options.slot = impl_->flags.slot;
  options.publication = impl_->flags.publication;
  options.log = [](std::string_view line) { report_error(fmt::format("replica: {}", line)); };
  std::lock_guard lock(impl_->mutex);
  impl_->replica.emplace(store, std::move(options));
}

server::replica_reporter replica_link::reporter() const {
  if (impl_->flags.source.empty()) return {};
  return [m = impl_.get()] { return m->report(); };
}

void replica_link::stop() noexcept {
  std::lock_guard lock(impl_->mutex);
  impl_->replica.reset();
  impl_->stopped = true;
}

}  // namespace customerdb::cli

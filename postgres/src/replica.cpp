#include "customerdb/postgres/replica.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "change_decoder.hpp"
#include "customerdb/postgres/connection.hpp"
#include "customerdb/error.hpp"
#include "medusa_schema.hpp"
#include "record_lines.hpp"
#include "replication_stream.hpp"

namespace customerdb::postgres {

std::string_view to_string(replica_state s) noexcept {
  switch (s) {
    case replica_state::copying:
      return "copying";
    case replica_state::connecting:
      return "connecting";
    case replica_state::streaming:
      return "streaming";
    case replica_state::reconnecting:
      return "reconnecting";
    case replica_state::stale:
      return "stale";
    case replica_state::stopped:
      break;
  }
  return "stopped";
}

namespace {

// A failure reconnecting cannot mend: the replica stops and says it is stale.
struct stale_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The replica is being destroyed.
struct stop_requested {};

std::chrono::system_clock::time_point to_system_clock(pgoutput::pg_timestamp t) {
  // PostgreSQL counts microseconds from 2000-01-01 00:00:00 UTC.
  constexpr std::chrono::seconds pg_epoch{946'684'800};
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          pg_epoch + std::chrono::microseconds(t)));
}

}  // namespace

struct replica::runner {
  customer_module& store;
  const replica_options options;
  const std::string source_name;  // the source without its password, for messages

  mutable std::mutex mutex;  // guards status and caught_up_to; `wake` waits on it
  std::condition_variable wake;
  replica_status status;           // position and lag_bytes are worked out by status()
  std::uint64_t caught_up_to = 0;  // every change of the source before it is applied
  std::atomic<bool> stopping{false};
  std::thread thread;

  runner(customer_module& s, replica_options o)
      : store(s), options(std::move(o)), source_name(redacted_conninfo(options.source)) {}

  void log(std::string_view line) const {
    if (!options.log) return;
    try {
      options.log(line);
    } catch (...) {
    }
  }

  template <class F>
  void update(F&& f) {
    std::lock_guard lock(mutex);
    f(status);
  }

  void check_stop() const {
    if (stopping.load(std::memory_order_relaxed)) throw stop_requested{};
  }

  // Waits `d`, or less when the replica is being destroyed.
  void pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    wake.wait_for(lock, d, [&] { return stopping.load(); });
  }

  // The publication exists, publishes every operation, and exactly the four tables of the
  // connection's schema, whole: else stale_error.
  void check_publication(connection& db) const {
    const auto name = options.publication.c_str();
    const auto pub = db.exec(
        "SELECT pubinsert AND pubupdate AND pubdelete AND pubtruncate FROM pg_publication "
        "WHERE pubname = $1",
        {name});
    if (PQntuples(pub.get()) == 0)
      throw stale_error(
          fmt::format("publication \"{}\" does not exist on {}", options.publication, source_name));
    if (std::string_view(PQgetvalue(pub.get(), 0, 0)) != "t")
      throw stale_error(fmt::format(
          "publication \"{}\" does not publish every operation (insert, update, delete, "
          "truncate): the replica would miss changes",
          options.publication));
    const std::string schema = current_schema(db);
    const auto tables = db.exec(
        "SELECT schemaname || '.' || tablename, rowfilter IS NOT NULL FROM pg_publication_tables "
        "WHERE pubname = $1 ORDER BY 1",
        {name});
    std::vector<std::string> published;
    for (int i = 0; i < PQntuples(tables.get()); ++i) {
      published.emplace_back(PQgetvalue(tables.get(), i, 0));
      if (std::string_view(PQgetvalue(tables.get(), i, 1)) == "t")
        throw stale_error(
            fmt::format("publication \"{}\" filters the rows of {}: the replica needs every row",
                        options.publication, published.back()));
    }
    std::vector<std::string> expected;
    for (const auto t : medusa_table_names) expected.push_back(fmt::format("{}.{}", schema, t));
    std::sort(expected.begin(), expected.end());  // as the query orders them
    if (published != expected)
      throw stale_error(fmt::format(
          "publication \"{}\" publishes {}; the replica needs exactly {} of schema {}",
          options.publication,
          published.empty() ? "no table" : fmt::format("{}", fmt::join(published, ", ")),
          fmt::join(medusa_table_names, ", "), schema));
  }

  // Creates the slot and imports the tables as of its snapshot; returns its consistent point.
  lsn initial_copy(replication_stream& rs) {
    update([](replica_status& s) { s.state = replica_state::copying; });
    replication_stream::created_slot slot;
    try {
      slot = rs.create_slot(options.slot);
    } catch (const pg_error& e) {
      if (e.sqlstate() != "42710") throw;  // duplicate_object: left by an earlier attempt
      log(fmt::format("dropping the replication slot \"{}\" an earlier initial copy left",
                      options.slot));
      rs.drop_slot(options.slot);
      slot = rs.create_slot(options.slot);
    }
    staged_rows rows;
    const auto progress = [&](const transfer_progress& p) {
      check_stop();
      if (options.copy_progress) options.copy_progress(p);
    };
    const auto read = read_medusa_tables(options.source, rows, progress, slot.snapshot_name);
    check_stop();
    replicated_transaction empty;
    for (const auto t : {table_name::customer_group_customer, table_name::customer_address,
                         table_name::customer, table_name::customer_group})
      empty.empty(t);
    store.apply_replicated(empty);
    try {
      store.import_rows(std::move(rows), {.snapshot_instead_of_journal = true,
                                          .source_position = slot.consistent_point.value});
    } catch (const customerdb::error& e) {
      if (e.code() == error_code::io_error) throw;
      throw stale_error(fmt::format("the initial copy was refused: {}", e.what()));
    }
    log(fmt::format("initial copy of {} ({} tables, {} rows) as of {}", source_name,
                    to_string(read.generation), read.rows.total(),
                    slot.consistent_point.to_string()));
    return slot.consistent_point;
  }

  void run() {
    auto backoff = options.min_backoff;
    for (;;) {
      try {
        check_stop();
        replication_stream rs(options.source);
        connection checker(options.source);
        check_publication(checker);
        const auto position = store.source_position();
        const lsn from = position ? lsn{*position} : initial_copy(rs);
        stream(rs, checker, from, [&] { backoff = options.min_backoff; });
      } catch (const stop_requested&) {
        return;
      } catch (const stale_error& e) {
        const std::string message = fmt::format(
            "{}. The replica is stale: it keeps serving its last state; restart it with an empty "
            "data directory for a new initial copy",
            e.what());
        update([&](replica_status& s) {
          s.state = replica_state::stale;
          s.last_error = message;
        });
        log(message);
        return;
      } catch (const std::exception& e) {
        update([&](replica_status& s) {
          s.state = replica_state::reconnecting;
          s.last_error = e.what();
          ++s.reconnects;
        });
        log(fmt::format("{}; reconnecting in {} ms", e.what(), backoff.count()));
        pause(backoff);
        backoff = std::min(backoff * 2, options.max_backoff);
      }
    }
  }

  // Streams from `from` until an error or a stop request.
  template <class OnHealthy>
  void stream(replication_stream& rs, connection& checker, lsn from, OnHealthy&& on_healthy) {
    try {
      rs.start(options.slot, from, options.publication);
    } catch (const pg_error& e) {
      if (e.sqlstate() == "42704")  // undefined_object
        throw stale_error(fmt::format(
            "replication slot \"{}\" no longer exists on {}: the changes after {} are lost to "
            "the replica",
            options.slot, source_name, from.to_string()));
      if (e.sqlstate() == "55000")  // invalidated (max_slot_wal_keep_size), or not logical
        throw stale_error(e.what());
      throw;
    }
    update([&](replica_status& s) {
      s.state = replica_state::streaming;
      s.last_error.clear();
    });
    log(fmt::format("streaming from {} at {}", source_name, from.to_string()));

    change_decoder decoder(
        [&](table_name t, std::string_view id) { return store.stored_row(t, id); });
    // Whole source transactions not yet applied, then the changes of the one under way.
    replicated_transaction batch;
    std::vector<pgoutput::pg_timestamp> commit_times;  // of the whole transactions in `batch`
    bool in_transaction = false;
    auto next_check = std::chrono::steady_clock::now() + options.publication_check_interval;

    const auto apply = [&] {
      // Counted before the rows are visible, so that whoever sees them sees them counted.
      const std::uint64_t transactions = commit_times.size();
      const std::uint64_t changes = batch.changes().size();
      update([&](replica_status& s) {
        s.transactions_applied += transactions;
        s.changes_applied += changes;
      });
      try {
        store.apply_replicated(batch);
      } catch (...) {
        update([&](replica_status& s) {
          s.transactions_applied -= transactions;
          s.changes_applied -= changes;
        });
        throw;
      }
      const auto applied_at = std::chrono::system_clock::now();
      update([&](replica_status& s) {
        s.last_apply_lag = std::chrono::duration_cast<std::chrono::milliseconds>(
            applied_at - to_system_clock(commit_times.back()));
      });
      rs.confirm(lsn{*batch.source_position});
      if (options.applied)
        for (const auto t : commit_times) options.applied(to_system_clock(t), applied_at);
      batch.clear();
      commit_times.clear();
      on_healthy();
    };
    // Everything the source decoded so far is applied: it may recycle its WAL up to there.
    const auto caught_up = [&] {
      const lsn end = rs.server_wal_end();
      if (end > rs.confirmed()) rs.confirm(end);
      update([&](replica_status& s) {
        s.source_wal_end = std::max(s.source_wal_end, end.value);
        caught_up_to = std::max(caught_up_to, end.value);
      });
    };

    for (;;) {
      check_stop();
      const bool pending = !commit_times.empty();
      const auto event = rs.next(pending && !in_transaction ? std::chrono::milliseconds(0)
                                                            : options.poll_interval);
      if (std::holds_alternative<replication_stream::end_of_stream>(event))
        throw pg_error(fmt::format("{} ended the replication stream (it shuts down)", source_name));
      if (std::holds_alternative<replication_stream::timeout>(event)) {
        if (!in_transaction) {
          if (pending)
            apply();
          else
            caught_up();
        }
        if (std::chrono::steady_clock::now() >= next_check) {
          check_publication(checker);
          next_check = std::chrono::steady_clock::now() + options.publication_check_interval;
        }
        continue;
      }
      const auto& data = std::get<replication_stream::xlog_data>(event);
      update([&](replica_status& s) {
        s.source_wal_end = std::max(s.source_wal_end, rs.server_wal_end().value);
      });
      try {
        std::visit(
            [&](const auto& m) {
              using M = std::decay_t<decltype(m)>;
              if constexpr (std::is_same_v<M, pgoutput::begin>) {
                in_transaction = true;
              } else if constexpr (std::is_same_v<M, pgoutput::commit>) {
                in_transaction = false;
                batch.source_position = m.end_lsn.value;
                commit_times.push_back(m.commit_time);
              } else if constexpr (std::is_same_v<M, pgoutput::relation>) {
                decoder.relation(m);
              } else if constexpr (std::is_same_v<M, pgoutput::insert>) {
                decoder.insert(m, batch);
              } else if constexpr (std::is_same_v<M, pgoutput::update>) {
                decoder.update(m, batch);
              } else if constexpr (std::is_same_v<M, pgoutput::remove>) {
                decoder.remove(m, batch);
              } else if constexpr (std::is_same_v<M, pgoutput::truncate>) {
                decoder.truncate(m, batch);
              }
              // Origin, Type and logical decoding messages say nothing the store keeps.
            },
            data.message);
      } catch (const pg_error& e) {
        throw stale_error(fmt::format("at {}: {}", data.wal_start.to_string(), e.what()));
      }
      if (!in_transaction && !commit_times.empty() &&
          batch.changes().size() >= options.max_batch_changes)
        apply();
    }
  }
};

replica::replica(customer_module& store, replica_options options) {
  if (options.source.empty()) throw std::invalid_argument("replica: the source is empty");
  if (options.slot.empty()) throw std::invalid_argument("replica: the slot name is empty");
  if (options.publication.empty())
    throw std::invalid_argument("replica: the publication name is empty");
  runner_ = std::make_unique<runner>(store, std::move(options));
  runner_->thread = std::thread([r = runner_.get()] { r->run(); });
}

replica::~replica() {
  {
    std::lock_guard lock(runner_->mutex);  // not between pause()'s check and its wait
    runner_->stopping = true;
  }
  runner_->wake.notify_all();
  runner_->thread.join();
}

replica_status replica::status() const {
  std::lock_guard lock(runner_->mutex);
  replica_status s = runner_->status;
  s.position = runner_->store.source_position();
  const auto done = std::max(s.position.value_or(0), runner_->caught_up_to);
  s.lag_bytes = s.source_wal_end > done ? s.source_wal_end - done : 0;
  return s;
}

}  // namespace customerdb::postgres

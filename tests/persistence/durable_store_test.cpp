// durable_store through its public interface alone (customerdb/persistence/), with no engine: a
// table_source and a record_sink of the test's own. Commits handed to the hook come back at
// recovery in order; a snapshot holds the cut the source gave, read a batch per call; a
// snapshot of a cut the newest snapshot already holds writes nothing.
#include "customerdb/persistence/durable_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "persistence/support/temp_dir.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::persistence;

persistence_options options_on(const std::filesystem::path& dir) {
  persistence_options o;
  o.data_dir = dir;
  o.snapshot_interval = std::chrono::seconds(0);
  o.snapshot_every_commits = 0;
  o.fsync = fsync_policy::always;
  return o;
}

customer_record customer_with(const std::string& id, const std::string& email) {
  customer_record r;
  r.id = id;
  r.email = email;
  return r;
}

// Writes down what recovery delivers (a snapshot's tables come from several threads at once).
class recording_sink final : public record_sink {
 public:
  std::vector<std::string> events;
  std::map<std::string, customer_record> customers;

  void begin_table(table t, std::uint64_t count) override {
    note(fmt::format("table {} {}", static_cast<int>(t), count));
  }
  void end_table(table) override {}
  void begin_commit(std::uint64_t sequence) override { note(fmt::format("commit {}", sequence)); }
  void put(const customer_group_record& r) override { note("put group " + r.id); }
  void put(const customer_record& r) override {
    note("put customer " + r.id);
    std::lock_guard lock(mutex_);
    customers[r.id] = r;
  }
  void put(const customer_address_record& r) override { note("put address " + r.id); }
  void put(const customer_group_customer_record& r) override { note("put membership " + r.id); }
  void erase(table t, std::string&& id) override {
    note(fmt::format("erase {} {}", static_cast<int>(t), id));
  }

 private:
  void note(std::string event) {
    std::lock_guard lock(mutex_);
    events.push_back(std::move(event));
  }
  std::mutex mutex_;
};

// Customers only, held in a map; a cut is a copy of it.
class map_source final : public table_source {
 public:
  std::uint64_t sequence = 0;
  std::map<std::string, customer_record> customers;
  int cuts = 0;          // begin_read calls
  int reads = 0;         // next() calls for customers
  bool reading = false;  // a reader is alive

  std::unique_ptr<table_reader> begin_read(
      const std::function<bool(const table_cut&)>& at_cut) override {
    ++cuts;
    table_cut cut;
    cut.sequence = sequence;
    cut.rows[static_cast<int>(table::customers)] = customers.size();
    if (!at_cut(cut)) return nullptr;
    return std::make_unique<reader>(*this);
  }

 private:
  class reader final : public table_reader {
   public:
    explicit reader(map_source& s) : source_(s) {
      for (const auto& [id, r] : s.customers) rows_.push_back(r);
      source_.reading = true;
    }
    ~reader() override { source_.reading = false; }

    bool next(std::vector<customer_group_record>& out, std::size_t) override {
      out.clear();
      return false;
    }
    bool next(std::vector<customer_record>& out, std::size_t rows) override {
      ++source_.reads;
      out.clear();
      for (; at_ < rows_.size() && out.size() < rows; ++at_) out.push_back(rows_[at_]);
      return at_ < rows_.size();
    }
    bool next(std::vector<customer_address_record>& out, std::size_t) override {
      out.clear();
      return false;
    }
    bool next(std::vector<customer_group_customer_record>& out, std::size_t) override {
      out.clear();
      return false;
    }

   private:
    map_source& source_;
    std::vector<customer_record> rows_;
    std::size_t at_ = 0;
  };
};

// Commits `sequence`, which puts `row`, and waits until it is durable.
void commit_put(durable_store& store, std::uint64_t sequence, const customer_record& row) {
  commit_changes changes(sequence);
  changes.put(row);
  store.append(std::move(changes));
  store.committed(sequence);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(durable_store_interface)

BOOST_AUTO_TEST_CASE(commits_come_back_in_order) {
  testing::temp_dir dir;
  {
    recording_sink none;
    durable_store store(options_on(dir.path()), none);
    BOOST_TEST(store.recovered_sequence() == 0u);
    BOOST_TEST(none.events.empty());
    commit_put(store, 1, customer_with("cus_1", "a@example.com"));
    commit_changes second(2);
    second.put(customer_with("cus_2", "b@example.com"));
    second.erase(table::customers, "cus_1");
    store.append(std::move(second));
    store.committed(2);
    store.close();
  }
  recording_sink sink;
  durable_store store(options_on(dir.path()), sink);
  BOOST_TEST(store.recovered_sequence() == 2u);
  const std::vector<std::string> expected = {"commit 1", "put customer cus_1", "commit 2",
                                             "put customer cus_2", "erase 1 cus_1"};
  BOOST_TEST(sink.events == expected, boost::test_tools::per_element());
  BOOST_TEST((sink.customers.at("cus_2").email == "b@example.com"));
  BOOST_TEST(!store.latest().has_value());
}

// With `always` a commit's record waits in memory for the sync that writes it: an abandoned one is
// cut out of memory, or, once a sync took it (here: the commit waited for it), off the file; the
// next commit takes its sequence, and recovery sees only that one.
BOOST_AUTO_TEST_CASE(an_abandoned_commit_is_cut_before_or_after_its_sync_wrote_it) {
  testing::temp_dir dir;
  {
    recording_sink none;
    durable_store store(options_on(dir.path()), none);
    commit_put(store, 1, customer_with("cus_1", "a@example.com"));
    for (const bool synced : {false, true}) {
      commit_changes lost(2);
      lost.put(customer_with(synced ? "cus_lost_synced" : "cus_lost", "x@example.com"));
      store.append(std::move(lost));
      if (synced) store.committed(2);  // written and fsynced: cut off the file
      store.abandon(2);
    }
    commit_put(store, 2, customer_with("cus_2", "b@example.com"));
    store.close();
  }
  recording_sink sink;
  durable_store store(options_on(dir.path()), sink);
  BOOST_TEST(store.recovered_sequence() == 2u);
  const std::vector<std::string> expected = {"commit 1", "put customer cus_1", "commit 2",
                                             "put customer cus_2"};
  BOOST_TEST(sink.events == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_snapshot_holds_the_cut_read_a_batch_per_call) {
  testing::temp_dir dir;
  const std::size_t n = 20'000;  // three batches
  map_source source;
  {
    recording_sink none;
    durable_store store(options_on(dir.path()), none);
    commit_changes changes(1);
    for (std::size_t i = 0; i < n; ++i) {
      auto r = customer_with(fmt::format("cus_{:05}", i), fmt::format("{}@example.com", i));
      changes.put(r);
      source.customers[r.id] = r;
    }
    store.append(std::move(changes));
    store.committed(1);
    source.sequence = 1;
    store.start(source);
    const snapshot_info info = store.snapshot();
    BOOST_TEST(info.sequence == 1u);
    BOOST_TEST(source.cuts == 1);
    BOOST_TEST(source.reads == 3);  // not one call per row
    BOOST_TEST(!source.reading);    // the read ended with the snapshot
    BOOST_TEST(store.latest()->info.sequence == 1u);
    // The newest snapshot holds the cut: nothing is read or written.
    const snapshot_info again = store.snapshot();
    BOOST_TEST(again.path == info.path);
    BOOST_TEST(source.cuts == 2);
    BOOST_TEST(source.reads == 3);
    store.close();
  }
  recording_sink sink;
  durable_store store(options_on(dir.path()), sink);
  BOOST_TEST(store.recovered_sequence() == 1u);
  BOOST_TEST((sink.customers == source.customers));
  BOOST_TEST(std::count(sink.events.begin(), sink.events.end(), "table 0 0") == 1);
  BOOST_TEST(std::count(sink.events.begin(), sink.events.end(), "table 1 20000") == 1);
  BOOST_TEST(std::count(sink.events.begin(), sink.events.end(), "commit 1") == 0);
}

BOOST_AUTO_TEST_CASE(a_snapshot_of_an_empty_store) {
  testing::temp_dir dir;
  recording_sink none;
  durable_store store(options_on(dir.path()), none);
  map_source source;
  store.start(source);
  // Nothing was committed and there is no snapshot yet: a snapshot of the empty cut is written.
  BOOST_TEST(store.snapshot().sequence == 0u);
  BOOST_TEST(!source.reading);
  BOOST_TEST(store.latest().has_value());
}

BOOST_AUTO_TEST_SUITE_END()

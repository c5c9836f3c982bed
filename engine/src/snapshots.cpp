// engine: the store as persistence reads it for a snapshot (persistence::table_source). The cut
// is fixed while no writer runs (inside the engine's write_combiner); each table is then read
// through the read view in chunks of `chunk_rows` rows, each under the shared latch for a few
// tens of microseconds, so commits wait at most that long, and copied into records (rows keep
// their text packed: packed_text.hpp) with no latch held. Persistence writes the records to the
// file.
#include <memory>
#include <shared_mutex>
#include <vector>

#include "engine.hpp"

namespace customerdb::detail {
namespace {

constexpr std::size_t chunk_rows = 512;

}  // namespace

// A read of the cut view_ holds; ends it when destroyed.
class engine::cut_reader final : public persistence::table_reader {
 public:
  // REQUIRES: run by e.writer_ (the cut's position is read here).
  explicit cut_reader(engine& e) : engine_(e), source_position_(e.store_.source_position) {}
  ~cut_reader() override {
    engine_.writer_.run([this] { engine_.view_.stop(); });
  }
  cut_reader(const cut_reader&) = delete;
  cut_reader& operator=(const cut_reader&) = delete;

  bool next(std::vector<customer_group_record>& out, std::size_t rows) override {
    return read<group_row>(out, rows);
  }
  bool next(std::vector<customer_record>& out, std::size_t rows) override {
    return read<customer_row>(out, rows);
  }
  bool next(std::vector<customer_address_record>& out, std::size_t rows) override {
    return read<address_row>(out, rows);
  }
  bool next(std::vector<customer_group_customer_record>& out, std::size_t rows) override {
    return read<membership_row>(out, rows);
  }
  std::optional<std::uint64_t> source_position() const override { return source_position_; }

 private:
  // Reads chunks of the table until about `max` rows were read, into `into` (reusing its
  // records' strings); false once the table is done.
  template <class Row>
  bool read(std::vector<typename Row::record_type>& into, std::size_t max) {
    auto& rows = chunk_.of<Row>();
    if (rows.capacity() < chunk_rows) rows.reserve(chunk_rows);
    std::size_t n = 0;
    bool more = true;
    for (std::size_t read = 0; read < max && more; read += chunk_rows) {
      rows.clear();
      {
        std::shared_lock lock(engine_.latch_);
        more = engine_.view_.next_chunk<Row>(engine_.store_.of<Row>(), chunk_rows, rows);
      }
      if (into.size() < n + rows.size()) into.resize(n + rows.size());
      for (const auto& row : rows) copy_to_record(*row, into[n++]);
    }
    rows.clear();  // the cut's rows are not held past the call
    into.resize(n);
    return more;
  }

  engine& engine_;
  const std::optional<std::uint64_t> source_position_;  // the store's at the cut
  per_entity<row_vector> chunk_;  // the rows of the chunk being copied, per table
};

std::unique_ptr<persistence::table_reader> engine::begin_read(
    const std::function<bool(const persistence::table_cut&)>& at_cut) {
  // On this thread: at_cut is persistence's.
  return writer_.run_here([&]() -> std::unique_ptr<persistence::table_reader> {
    persistence::table_cut cut;
    cut.sequence = store_.sequence;
    cut.rows = {store_.groups.size(), store_.customers.size(), store_.addresses.size(),
                store_.memberships.size()};
    if (!at_cut(cut)) return nullptr;
    view_.start(cut.sequence);
    try {
      return std::make_unique<cut_reader>(*this);
    } catch (...) {
      view_.stop();
      throw;
    }
  });
}

}  // namespace customerdb::detail

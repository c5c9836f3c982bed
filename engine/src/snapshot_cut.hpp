// detail::snapshot_cut: a consistent cut of the committed store at one commit sequence, read in
// short chunks while commits go on (the snapshot thread's view, as Tarantool's read views).
//
// The reader walks each table in id order. A commit that replaces or erases a row the reader
// has not reached yet first hands the row's image as of the cut to the view (before_write), so
// the reader emits that image instead of the newer row, and still emits rows erased since the
// cut. Rows published after the cut carry a newer version and are skipped.
//
// Thread-compatible; the engine's latch orders the calls: start() and stop() run while no
// commit can publish (inside the engine's write_combiner), before_write() under the exclusive
// latch, and next_chunk() under the shared latch from the one snapshot thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rows.hpp"
#include "view.hpp"
#include "tables.hpp"

namespace customerdb::detail {

template <class Row>
struct table_cursor {
  bool started = false;  // `last` is set
  bool done = false;     // every row of the cut was emitted
  std::string last;      // the last id read
  // Images as of the cut of rows not read yet that commits replaced or erased since.
  std::map<std::string, row_ptr<Row>, std::less<>> saved;
};

class snapshot_cut {
 public:
  // Starts a cut at commit `sequence`, the store's current sequence.
  void start(std::uint64_t sequence) {
    cursors_ = {};
    sequence_ = sequence;
    active_ = true;
  }

  // Ends the cut and drops the images kept for it.
  void stop() {
    active_ = false;
    cursors_ = {};
  }

  bool active() const noexcept { return active_; }

  // Called by a commit before it replaces or erases the row `id` of `table`.
  template <class Row>
  void before_write(const table_for_t<Row>& table, const std::string& id) {
    auto& c = cursors_.of<Row>();
    if (!active_ || c.done || (c.started && id <= c.last) || c.saved.contains(id)) return;
    auto current = table.find(id);
    if (current && current->version <= sequence_) c.saved.emplace(id, std::move(current));
  }

  // Appends to `out`, in id order, the rows of the cut that follow the last one read, reading
  // at most `max` rows of `table`. Returns false once the table is done.
  template <class Row>
  bool next_chunk(const table_for_t<Row>& table, std::size_t max, std::vector<row_ptr<Row>>& out) {
    auto& c = cursors_.of<Row>();
    if (c.done) return false;
    const auto& idx = table.in_id_order();
    auto it = c.started ? idx.upper_bound(key(c.last)) : idx.begin();
    std::vector<row_ptr<Row>> chunk;
    chunk.reserve(max);
    std::size_t n = 0;
    const packed_string* last = nullptr;
    for (; it != idx.end() && n < max; ++it, ++n) {
      const auto& row = *it;
      last = &row->id;
      if (row->version <= sequence_) {
        chunk.push_back(row);
      } else if (auto s = c.saved.find(row->id.view()); s != c.saved.end()) {
        chunk.push_back(std::move(s->second));  // replaced (or erased and re-added) since
        c.saved.erase(s);
      }
    }
    const bool end = it == idx.end();
    // Rows erased since the cut, up to the last id read (all of them at the end).
    const auto stop = end ? c.saved.end() : c.saved.upper_bound(last->view());
    auto s = c.saved.begin();
    auto r = chunk.begin();
    while (r != chunk.end() || s != stop) {
      if (s == stop || (r != chunk.end() && (*r)->id.view() < s->first)) {
        out.push_back(std::move(*r++));
      } else {
        out.push_back(std::move(s->second));
        ++s;
      }
    }
    c.saved.erase(c.saved.begin(), stop);
    if (last) {
      c.last = last->view();
      c.started = true;
    }
    c.done = end;
    return !end;
  }

 private:
  template <class Row>
  using cursor = table_cursor<Row>;

  per_entity<cursor> cursors_;
  std::uint64_t sequence_ = 0;
  bool active_ = false;
};

}  // namespace customerdb::detail

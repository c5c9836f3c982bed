// detail::undo_log: the state of the store at a mark (customer_module::mark), kept as the
// image at the mark of every row changed since, so that rewind() can bring the store back in
// time proportional to the rows changed, not to the store.
//
// Each commit after the mark hands the log, before it applies, the current image (null: none)
// of each row it is about to insert, replace or erase, unless the log holds one for that row
// already; an import hands it a null image of each row it adds. Rows are immutable and shared
// (row_ptr), so an image costs a pointer and the id, not a copy of the row.
//
// Thread-compatible: the engine uses it inside its write_combiner (one writer at a time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "store.hpp"
#include "view.hpp"
#include "write_set.hpp"

namespace customerdb::detail {

template <class Row>
using images_at_mark = std::unordered_map<std::string, row_ptr<Row>, string_hash, std::equal_to<>>;

class undo_log {
 public:
  // A mark at commit `sequence`, the store's current one.
  explicit undo_log(std::uint64_t sequence) noexcept : sequence_(sequence) {}

  std::uint64_t sequence() const noexcept { return sequence_; }

  // Keeps the image of each row `changes` is about to change. REQUIRES: before they are
  // published, with `s` as it is now. Throws std::bad_alloc; the images kept so far stay true.
  template <class Row>
  void keep(const change_set<Row>& changes, const store& s) {
    auto& images = images_.of<Row>();
    changes.for_each([&](const std::string& id, const change<Row>&) {
      if (!images.contains(id)) images.emplace(id, s.of<Row>().find(id));
    });
  }

  // The same for rows an import is about to add: none of them was there at the mark.
  template <class Row>
  void keep_absent(const row_vector<Row>& rows) {
    auto& images = images_.of<Row>();
    for (const auto& row : rows) images.try_emplace(std::string(row->id.view()), nullptr);
  }

  // Rows changed since the mark.
  std::size_t size() const noexcept {
    return images_.customers.size() + images_.groups.size() + images_.addresses.size() +
           images_.memberships.size();
  }

  // Writes into `t` (a view of the store as it is now) what brings every row back to its image
  // at the mark. Each such row is published anew, with the rewind's sequence as its version.
  void undo_into(write_view& t) const {
    undo_table<group_row>(t);
    undo_table<customer_row>(t);
    undo_table<address_row>(t);
    undo_table<membership_row>(t);
  }

 private:
  template <class Row>
  void undo_table(write_view& t) const {
    for (const auto& [id, image] : images_.of<Row>()) {
      const row_ptr<Row> now = t.committed().of<Row>().find(id);
      if (image) {
        // A copy: publishing stamps the commit's sequence on the rows it puts, and the image
        // may still be held elsewhere (a transaction's before-image, a pinned read).
        if (image != now) t.put(row_ptr<Row>(new_row<Row>(*image)));
      } else if (now) {
        t.erase<Row>(id);
      }
    }
  }

  std::uint64_t sequence_;
  per_entity<images_at_mark> images_;
};

}  // namespace customerdb::detail

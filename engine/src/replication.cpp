// A replica's side of the engine: replicated transactions applied as commits, and the refusal
// of every other write to a replica (module_options::replica_of).
#include <fmt/format.h>

#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "customerdb/customer_module.hpp"
#include "customerdb/error.hpp"
#include "engine.hpp"

namespace customerdb {

namespace detail {

namespace {

// Calls f.template operator()<Row>() for the row type of table `t`.
template <class F>
void with_row_of(table_name t, F&& f) {
  with_record_of(t, [&]<class Record>() { f.template operator()<row_for_t<Record>>(); });
}

struct change_applier {
  write_view& t;

  void operator()(const replicated_transaction::put_row& c) const {
    std::visit([&](const auto& r) { t.put(make_row(r, 0, ids_in(t))); }, c.row);
  }
  void operator()(const replicated_transaction::delete_row& c) const {
    with_row_of(c.of, [&]<class Row>() {
      if (t.find<Row>(c.id)) t.erase<Row>(c.id);
    });
  }
  void operator()(const replicated_transaction::empty_table& c) const {
    with_row_of(c.of, [&]<class Row>() {
      std::vector<std::string> ids;
      t.scan<Row>(
          false,
          [&](const slot<Row>& s) {
            ids.emplace_back(s.id.text());
            return true;
          },
          true);
      for (const auto& id : ids) t.erase<Row>(id);
    });
  }
};

}  // namespace

void engine::check_writable() const {
  if (!replica_of_.empty())
    throw error(
        error_code::not_allowed,
        fmt::format("This store is a read-only replica of {}: write to the source", replica_of_));
}

void engine::apply_replicated(const replicated_transaction& tx) {
  std::uint64_t sequence = 0;
  writer_.run([&] {
    write_view t(store_);
    for (const auto& change : tx.changes()) std::visit(change_applier{t}, change);
    sequence = publish(t, tx.source_position);
  });
  committed(sequence);
}

std::optional<std::uint64_t> engine::source_position() const {
  std::shared_lock lock(latch_);
  return store_.source_position;
}

std::optional<record> engine::stored_row(table_name of, std::string_view id) const {
  std::shared_lock lock(latch_);
  const view v(store_, nullptr);
  std::optional<record> found;
  with_row_of(of, [&]<class Row>() {
    if (const auto r = v.committed().of<Row>().find(id)) found.emplace(to_record(*r));
  });
  return found;
}

}  // namespace detail

void customer_module::apply_replicated(const replicated_transaction& tx) {
  engine_->apply_replicated(tx);
}

std::optional<std::uint64_t> customer_module::source_position() const {
  return engine_->source_position();
}

std::optional<record> customer_module::stored_row(table_name of, std::string_view id) const {
  return engine_->stored_row(of, id);
}

}  // namespace customerdb

// Stores on disk read without opening them: customer_module::import_store (the rows of a data
// directory or a snapshot file, recovered into a store of their own and then imported like
// staged rows) and customer_module::export_snapshot (a data directory's rows straight from its
// snapshot).
#include <array>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "customerdb/customer_module.hpp"
#include "customerdb/persistence/read_only_store.hpp"
#include "engine.hpp"
#include "store_records.hpp"

namespace customerdb {

using namespace detail;

namespace {

// Every row of the store `source` holds, soft-deleted ones included, table by table in id
// order. The store they were recovered into is gone on return: the rows are the batch's alone.
row_batch rows_of_store(const std::filesystem::path& source) {
  row_batch rows;
  store loaded;
  {
    store_loader loader(loaded, {});
    std::error_code ec;
    if (std::filesystem::is_directory(source, ec)) {
      persistence_options o;
      o.data_dir = source;
      persistence::read_only_store reader(o, loader);
    } else {
      persistence::read_snapshot_file(source, loader);
    }
    loader.finish();
  }
  for_each_entity([&](auto entity) {
    using row_type = typename decltype(entity)::type;
    auto& out = rows.of<row_type>();
    out.reserve(loaded.of<row_type>().size());
    loaded.of<row_type>().scan(false, true, [&](const slot<row_type>& s) {
      out.push_back(s.row);
      return true;
    });
  });
  return rows;
}

// Hands a snapshot's rows, in export order, to a record_visitor; refuses rows out of id order
// (which the store's loader would refuse as an id twice).
class visiting_sink final : public persistence::record_sink {
 public:
  explicit visiting_sink(const record_visitor& visit) : visit_(visit) {}

  void begin_table(persistence::table t, std::uint64_t) override {
    last_ = &last_ids_[static_cast<std::size_t>(t)];
  }
  void end_table(persistence::table) override {}
  void begin_commit(std::uint64_t) override { unexpected(); }
  void put(const customer_group_record& r) override { pass(r); }
  void put(const customer_record& r) override { pass(r); }
  void put(const customer_address_record& r) override { pass(r); }
  void put(const customer_group_customer_record& r) override { pass(r); }
  void erase(persistence::table, std::string&&) override { unexpected(); }

 private:
  template <class Record>
  void pass(const Record& r) {
    if (!last_->empty() && r.id <= *last_) throw std::runtime_error("rows out of id order at " + r.id);
    *last_ = r.id;
    try {
      visit_(record(r));
    } catch (...) {
      // The visitor's own failure (a full disk, a refused write), not a damaged snapshot:
      // kept, and rethrown as it is by export_snapshot. What reaches the reader meanwhile is
      // an error it passes on without calling it corruption.
      visitor_failure_ = std::current_exception();
      throw error(error_code::io_error, "the visitor failed");
    }
  }
  [[noreturn]] static void unexpected() {
    throw std::logic_error("a snapshot holds no journal records");
  }


 public:
  std::exception_ptr visitor_failure_;

 private:
  const record_visitor& visit_;
  std::array<std::string, 4> last_ids_{};
  std::string* last_ = &last_ids_[0];
};

}  // namespace

bool customer_module::export_snapshot(const persistence_options& options,
                                      const record_visitor& visit) {
  visiting_sink sink(visit);
  try {
    return persistence::read_complete_snapshot(options, sink);
  } catch (...) {
    if (sink.visitor_failure_) std::rethrow_exception(sink.visitor_failure_);
    throw;
  }
}

bool customer_module::is_store_source(const std::filesystem::path& path) noexcept {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) || persistence::is_snapshot_file(path);
}

std::size_t customer_module::import_store(const std::filesystem::path& source,
                                          const import_options& options) {
  engine_->check_writable();
  row_batch rows = rows_of_store(source);
  const std::size_t n = row_count(rows);
  engine_->import(std::move(rows), options);
  return n;
}

}  // namespace customerdb

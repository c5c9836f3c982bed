// customer_module::import_store: the rows of another store (a data directory or a snapshot
// file), read as recovery reads them into a store of their own and then imported like staged
// rows.
#include <filesystem>
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
      o.read_only = true;
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

}  // namespace

bool customer_module::is_store_source(const std::filesystem::path& path) noexcept {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) || persistence::is_snapshot_file(path);
}

std::size_t customer_module::import_store(const std::filesystem::path& source,
                                          const import_options& options) {
  row_batch rows = rows_of_store(source);
  const std::size_t n = row_count(rows);
  engine_->import(std::move(rows), options);
  return n;
}

}  // namespace customerdb

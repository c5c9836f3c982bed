// The public inspection functions of customerdb/snapshot_file.hpp.
#include "customerdb/snapshot_file.hpp"

#include "customerdb/file_system.hpp"
#include "snapshot_reader.hpp"

namespace customerdb {
namespace {

// Counts rows and drops them.
class counting_sink final : public persistence::record_sink {
 public:
  void begin_table(persistence::table, std::uint64_t) override {}
  void end_table(persistence::table) override {}
  void begin_commit(std::uint64_t) override {}
  void put(const customer_group_record&) override {}
  void put(const customer_record&) override {}
  void put(const customer_address_record&) override {}
  void put(const customer_group_customer_record&) override {}
  void erase(persistence::table, std::string&&) override {}
};

}  // namespace

snapshot_file_info read_snapshot_info(const std::filesystem::path& path) {
  std::uint64_t size = 0;
  const auto header = persistence::read_snapshot_header(*posix_file_system(), path, size);
  return persistence::info_of(header, size);
}

snapshot_file_info verify_snapshot(const std::filesystem::path& path) {
  const auto checked = persistence::load_snapshot(*posix_file_system(), path);
  counting_sink sink;
  persistence::decode_snapshot(checked, sink, path);
  return persistence::info_of(checked.header, checked.file_size);
}

}  // namespace customerdb

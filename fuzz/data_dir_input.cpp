#include "data_dir_input.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <utility>

#include "customerdb/customer_module.hpp"
#include "customerdb/error.hpp"
#include "little_endian.hpp"
#include "memory_file_system.hpp"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size,
                                        std::size_t max_size);

namespace customerdb::fuzz {
namespace {

[[noreturn]] void broken_contract(const char* what, const std::string& message) {
  std::fprintf(stderr, "fuzz: %s: %s\n", what, message.c_str());
  std::abort();
}

// Reads every row of `m`: the export, and each table listed with its relations loaded (which
// follows every reference a row holds).
void read_everything(const customer_module& m) {
  (void)m.stats();
  m.export_records([](const record&) {});
  find_config all;
  all.take = null;
  all.with_deleted = true;
  all.relations = {"groups", "addresses"};
  (void)m.list({}, all);
  all.relations = {"customers"};
  (void)m.list_customer_groups({}, all);
  all.relations = {"customer"};
  (void)m.list_addresses({}, all);
  all.relations = {"customer", "customer_group"};
  (void)m.list_customer_group_customers({}, all);
}

}  // namespace

void open_data_dir_file(const std::string& name, std::string bytes) {
  std::map<std::string, std::string> files;
  files.emplace(name, std::move(bytes));
  module_options options;
  options.persistence.data_dir = std::string(data_dir_path);
  options.persistence.read_only = true;
  options.persistence.file_system = std::make_shared<memory_file_system>(std::move(files));
  std::unique_ptr<customer_module> m;
  try {
    m = std::make_unique<customer_module>(std::move(options));
  } catch (const error& e) {
    const std::string message = e.what();
    if (e.code() != error_code::corruption)
      broken_contract("opening failed with an error other than corruption", message);
    if (message.find(std::string(data_dir_path) + "/" + name) == std::string::npos)
      broken_contract("a corruption error that does not name the file", message);
    return;
  }
  try {
    read_everything(*m);
  } catch (const std::exception& e) {
    broken_contract("reading a store that opened failed", e.what());
  }
}

std::size_t mutate_data_file(const data_file_kind& kind, std::uint8_t* data, std::size_t size,
                             std::size_t max_size, unsigned int seed) {
  size = LLVMFuzzerMutate(data, size, max_size);
  if (seed % 8 != 0)
    kind.repair_file(data, size,
                     seed % 8 == 1 ? repair::checksums : repair::lengths_and_checksums);
  return size;
}

void open_data_file(const data_file_kind& kind, const std::uint8_t* data, std::size_t size) {
  if (size > max_file_bytes) return;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::uint64_t sequence = size >= 24 ? persistence::get_le<std::uint64_t>(bytes, 16)
                                            : kind.short_input_sequence;
  open_data_dir_file(kind.file_name(sequence), std::move(bytes));
}

}  // namespace customerdb::fuzz

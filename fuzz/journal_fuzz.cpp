// Fuzz target: a journal file. The input is the file's bytes; it is opened as the only file of a
// data directory (data_dir_input.hpp), named after the first sequence its header announces so
// that recovery does not refuse the name first, and replayed. The custom mutator repairs the
// checksums after each mutation (checksum_repair.hpp), except for one mutation in eight, which
// keeps them as mutated.
#include <cstddef>
#include <cstdint>
#include <string>

#include "checksum_repair.hpp"
#include "data_dir.hpp"
#include "data_dir_input.hpp"
#include "little_endian.hpp"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size,
                                        std::size_t max_size);

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  using customerdb::fuzz::repair;
  size = LLVMFuzzerMutate(data, size, max_size);
  if (seed % 8 != 0) {
    customerdb::fuzz::repair_journal(
        data, size, seed % 8 == 1 ? repair::checksums : repair::lengths_and_checksums);
  }
  return size;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > customerdb::fuzz::max_file_bytes) return 0;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::uint64_t first =
      size >= 24 ? customerdb::persistence::get_le<std::uint64_t>(bytes, 16) : 1;
  customerdb::fuzz::open_data_dir_file(customerdb::persistence::journal_file_name(first),
                                       std::move(bytes));
  return 0;
}

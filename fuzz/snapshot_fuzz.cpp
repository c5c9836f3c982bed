// Fuzz target: a snapshot file. The input is the file's bytes; it is opened as the only file of
// a data directory (data_dir_input.hpp), named after the sequence its header announces so that
// recovery does not refuse the name first. The custom mutator repairs the checksums after each
// mutation (checksum_repair.hpp), except for one mutation in eight, which keeps them as mutated.
#include <cstddef>
#include <cstdint>

#include "data_dir.hpp"
#include "data_dir_input.hpp"

namespace {
const customerdb::fuzz::data_file_kind kind{customerdb::fuzz::repair_snapshot,
                                           customerdb::persistence::snapshot_file_name, 0};
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  return customerdb::fuzz::mutate_data_file(kind, data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  customerdb::fuzz::open_data_file(kind, data, size);
  return 0;
}

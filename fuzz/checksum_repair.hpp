// Repairs of mutated snapshot and journal files, for the custom mutators of the persistence fuzz
// targets. A mutation of a file's bytes almost always breaks one of its XXH3 checksums, and the
// readers check those before they decode anything; repaired, the mutated bytes reach the
// decoders. The files stay genuine: what the fuzzer saves (corpus entries, crashes) is a file
// that the program itself would read as it is.
//
// Both functions work in place on `bytes` and leave a file they do not recognize (too short, bad
// magic) as it is. Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>

namespace customerdb::fuzz {

// What a repair fixes.
enum class repair {
  checksums,              // the checksums only
  lengths_and_checksums,  // also the lengths that a mutation which adds or removes bytes breaks
};

// A snapshot file (docs/persistence.md): with lengths_and_checksums, the payload length becomes
// what follows the header, and the section lengths are cut or the last one extended to add up to
// it; then the payload checksum and the header checksum are computed again.
void repair_snapshot(std::uint8_t* bytes, std::size_t size, repair what);

// A journal file: the file header's checksum, then record by record while the record magic is
// found, each record's payload checksum and header check. With lengths_and_checksums, a
// record whose length runs past the end of the file is made to end there.
void repair_journal(std::uint8_t* bytes, std::size_t size, repair what);

}  // namespace customerdb::fuzz

#include "snapshot_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/archive/binary_iarchive.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "archive_streams.hpp"
#include "checksum.hpp"
#include "corruption_error.hpp"
#include "customerdb/error.hpp"
#include "customerdb/persistence/parallel.hpp"
#include "little_endian.hpp"
#include "record_archive.hpp"
#include "record_codec.hpp"

namespace customerdb::persistence {
namespace {

template <class Record, class Archive>
void read_rows(Archive& archive, std::uint64_t count, record_sink& sink) {
  Record r;  // one for all the rows: its strings keep their memory from row to row
  for (std::uint64_t i = 0; i < count; ++i) {
    archive >> r;
    sink.put(r);
  }
}

// Whether `section` starts as every Boost binary archive does: its signature, a string (its
// length, then "serialization::archive").
bool starts_with_signature(std::string_view section) {
  const std::string_view signature = boost::archive::BOOST_ARCHIVE_SIGNATURE();
  std::string expected;
  put_le<std::uint64_t>(expected, signature.size());
  expected += signature;
  return section.starts_with(expected);
}

// Decodes the section of table `t`, which starts at `offset` in the file, into `sink`.
void decode_section(std::string_view section, std::uint64_t offset, table t,
                    const snapshot_header& h, record_sink& sink,
                    const std::filesystem::path& path) {
  memory_buffer buffer(section);
  // The rows are read by binary_record_reader (record_codec.hpp) when the section's archive is
  // of this build's version, the bytes that reader knows; by Boost's archive otherwise.
  std::optional<binary_record_reader> rows;
  const auto left = [&] { return rows ? rows->remaining() : buffer.remaining(); };
  const auto at = [&] { return offset + section.size() - left(); };
  const std::uint64_t expected = h.counts[static_cast<std::size_t>(t)];
  // Boost reads the signature as a string sized by the length before it, which it trusts: a
  // damaged length made it allocate that many bytes. So the signature is checked first.
  if (!starts_with_signature(section))
    throw corrupt_snapshot(path, offset, "the payload does not decode (invalid signature)");
  try {
    boost::archive::binary_iarchive archive(buffer);
    std::uint64_t count = 0;
    archive >> count;
    if (count != expected) {
      throw corrupt_snapshot(path, at(),
                             fmt::format("table {} holds {} rows, the header counts {}",
                                         static_cast<int>(t), count, expected));
    }
    // Every row takes bytes of the section: a count beyond them is damage (with checksums that
    // match), and believing it would reserve room for as many rows.
    if (count > buffer.remaining()) {
      throw corrupt_snapshot(path, at(),
                             fmt::format("table {} counts {} rows in {} bytes", static_cast<int>(t),
                                         count, buffer.remaining()));
    }
    sink.begin_table(t, count);
    if (archive.get_library_version() == archive_library_version()) {
      rows.emplace(section.substr(section.size() - buffer.remaining()));
      with_record_of(t, [&]<class Record>() { read_rows<Record>(*rows, count, sink); });
    } else {
      with_record_of(t, [&]<class Record>() { read_rows<Record>(archive, count, sink); });
    }
    sink.end_table(t);
  } catch (const error&) {
    throw;
  } catch (const std::exception& e) {
    throw corrupt_snapshot(path, at(), fmt::format("the payload does not decode ({})", e.what()));
  }
  if (left() != 0)
    throw corrupt_snapshot(path, at(), "unexpected bytes after the rows");
}

// Decodes the payload (checksum already verified) into `sink`: groups and customers, then
// addresses and memberships on two threads (record_sink: the rows that refer to customers and
// groups come after them); or, when `in_order`, every table in turn on the calling thread.
void decode_payload(std::string_view payload, const snapshot_header& h, record_sink& sink,
                    const std::filesystem::path& path, bool in_order) {
  std::array<std::string_view, table_count> sections;
  std::array<std::uint64_t, table_count> offsets{};
  std::uint64_t start = 0;
  for (std::size_t t = 0; t < sections.size(); ++t) {
    sections[t] = payload.substr(start, h.sections[t]);
    offsets[t] = h.header_size + start;
    start += h.sections[t];
  }
  const auto decode = [&](table t) {
    const auto i = static_cast<std::size_t>(t);
    decode_section(sections[i], offsets[i], t, h, sink, path);
  };
  decode(table::groups);
  decode(table::customers);
  if (in_order) {
    decode(table::addresses);
    decode(table::memberships);
  } else {
    run_in_parallel<2>({[&] { decode(table::addresses); }, [&] { decode(table::memberships); }});
  }
}

}  // namespace

snapshot_header read_snapshot_header(file_system& fs, const std::filesystem::path& path,
                                     std::uint64_t& file_size) {
  const auto file = fs.open_read(path);
  file_size = file->size();
  std::string bytes(std::min<std::uint64_t>(file_size, snapshot_header_read_size), '\0');
  file->read(0, bytes.size(), bytes.data());
  return decode_snapshot_header(bytes, file_size, path);
}

checked_snapshot load_snapshot(file_system& fs, const std::filesystem::path& path) {
  const auto file = fs.open_read(path);
  checked_snapshot s;
  s.file_size = file->size();
  std::string head(std::min<std::uint64_t>(s.file_size, snapshot_header_read_size), '\0');
  file->read(0, head.size(), head.data());
  s.header = decode_snapshot_header(head, s.file_size, path);
  // The whole payload in memory: its checksum is checked before a byte of it is decoded.
  s.payload = file->bytes(s.header.header_size, s.header.payload_length);
  if (checksum(s.payload->view()) != s.header.payload_checksum)
    throw corrupt_snapshot(path, s.header.header_size, "payload checksum mismatch");
  return s;
}

void decode_snapshot(const checked_snapshot& s, record_sink& sink,
                     const std::filesystem::path& path) {
  decode_payload(s.payload->view(), s.header, sink, path, false);
}

void decode_snapshot_in_order(const checked_snapshot& s, record_sink& sink,
                              const std::filesystem::path& path) {
  decode_payload(s.payload->view(), s.header, sink, path, true);
}

snapshot_header read_snapshot(file_system& fs, const std::filesystem::path& path,
                              record_sink& sink) {
  const checked_snapshot s = load_snapshot(fs, path);
  decode_snapshot(s, sink, path);
  return s.header;
}

}  // namespace customerdb::persistence

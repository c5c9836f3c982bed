#include "snapshot_writer.hpp"

#include <fmt/format.h>

#include <boost/archive/binary_oarchive.hpp>
#include <optional>
#include <stdexcept>

#include "archive_streams.hpp"
#include "checksum.hpp"
#include "data_dir.hpp"
#include "record_archive.hpp"
#include "snapshot_format.hpp"

namespace customerdb::persistence {

struct snapshot_writer::impl {
  file_system& fs;
  std::filesystem::path dir;
  std::string name;
  std::filesystem::path temp_path;
  std::unique_ptr<writable_file> file;
  snapshot_header header;
  checksum_state hash;
  sink_buffer buffer;
  std::optional<boost::archive::binary_oarchive> archive;
  static constexpr std::uint64_t sync_every = std::uint64_t{32} << 20;
  std::uint64_t unsynced = 0;
  int current = -1;  // table being written
  std::uint64_t section_start = 0;
  std::array<std::uint64_t, table_count> written{};
  bool finished = false;

  impl(file_system& f, std::filesystem::path d, std::uint64_t sequence)
      : fs(f),
        dir(std::move(d)),
        name(snapshot_file_name(sequence)),
        temp_path(dir / temporary_name(name)),
        buffer([this](std::string_view bytes) {
          hash.update(bytes);
          file->append(bytes);
          // Synced as it grows (as Redis's incremental fsync), so that the kernel never holds
          // hundreds of megabytes of dirty pages whose writeback would stall other writers.
          unsynced += bytes.size();
          if (unsynced >= sync_every) {
            file->sync();
            unsynced = 0;
          }
        }) {}

  // Completes the current table's archive and notes its length.
  void end_section() {
    if (current < 0) return;
    archive.reset();
    header.sections[static_cast<std::size_t>(current)] = buffer.written() - section_start;
  }

  template <class Record>
  void write(const Record& r) {
    *archive << r;
    ++written[static_cast<std::size_t>(current)];
  }
};

snapshot_writer::snapshot_writer(file_system& fs, std::filesystem::path dir, std::uint64_t sequence,
                                 timestamp created_at,
                                 const std::array<std::uint64_t, table_count>& counts,
                                 bool journal_follows,
                                 std::optional<std::uint64_t> source_position)
    : impl_(std::make_unique<impl>(fs, std::move(dir), sequence)) {
  impl_->header.sequence = sequence;
  impl_->header.source_position = source_position;
  impl_->header.journal_follows = journal_follows;
  impl_->header.created_at_ms = created_at.time_since_epoch().count();
  impl_->header.counts = counts;
  impl_->file = fs.create(impl_->temp_path);
  try {
    // The header's place; the real one is written by finish().
    impl_->file->append(std::string(snapshot_header_size, '\0'));
  } catch (...) {
    discard();
    throw;
  }
}

snapshot_writer::~snapshot_writer() {
  if (!impl_->finished) discard();
}

void snapshot_writer::discard() noexcept {
  try {
    impl_->archive.reset();
    impl_->file.reset();
    impl_->fs.remove(impl_->temp_path);
  } catch (...) {
    // Best effort: a leftover temporary file is ignored and removed at the next start.
  }
}

void snapshot_writer::begin_table(table t) {
  const int next = static_cast<int>(t);
  if (next != impl_->current + 1 ||
      (impl_->current >= 0 && impl_->written[static_cast<std::size_t>(impl_->current)] !=
                                  impl_->header.counts[static_cast<std::size_t>(impl_->current)]))
    throw std::logic_error("snapshot_writer: tables out of order or rows missing");
  impl_->end_section();
  impl_->current = next;
  impl_->section_start = impl_->buffer.written();
  impl_->archive.emplace(impl_->buffer);
  impl_->header.archive_version = impl_->archive->get_library_version();
  const std::uint64_t count = impl_->header.counts[static_cast<std::size_t>(next)];
  *impl_->archive << count;
}

void snapshot_writer::write(const customer_group_record& r) { impl_->write(r); }
void snapshot_writer::write(const customer_record& r) { impl_->write(r); }
void snapshot_writer::write(const customer_address_record& r) { impl_->write(r); }
void snapshot_writer::write(const customer_group_customer_record& r) { impl_->write(r); }

snapshot_info snapshot_writer::finish() {
  auto& d = *impl_;
  if (d.current != table_count - 1 || d.written != d.header.counts) {
    throw std::logic_error(fmt::format(
        "snapshot_writer: rows written ({}, {}, {}, {}) differ from the counts ({}, {}, {}, {})",
        d.written[0], d.written[1], d.written[2], d.written[3], d.header.counts[0],
        d.header.counts[1], d.header.counts[2], d.header.counts[3]));
  }
  d.end_section();
  d.buffer.flush();
  d.header.payload_length = d.buffer.written();
  d.header.payload_checksum = d.hash.value();
  d.file->write_at(0, encode(d.header));
  d.file->sync();
  const std::uint64_t bytes = d.file->size();
  d.file.reset();
  d.fs.rename(d.temp_path, d.dir / d.name);
  d.finished = true;  // in place: from here on the file is the snapshot, even if the sync fails
  d.fs.sync_directory(d.dir);
  return {.path = d.dir / d.name, .bytes = bytes, .sequence = d.header.sequence};
}

}  // namespace customerdb::persistence

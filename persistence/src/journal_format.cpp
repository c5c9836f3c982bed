#include "journal_format.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>

#include "checksum.hpp"
#include "corruption_error.hpp"
#include "customerdb/error.hpp"
#include "little_endian.hpp"
#include "record_archive.hpp"
#include "record_codec.hpp"

namespace customerdb::persistence {
namespace {

// What follows each tag in a payload. Persisted: never renumbered.
enum class tag : std::uint8_t {
  end = 0,
  put_group = 1,
  put_customer = 2,
  put_address = 3,
  put_membership = 4,
  erase = 5,  // u8 table, then the id
  // The commit's rows are not in the journal but in the snapshot that the engine takes at or
  // after it (commit_changes::keep_in_snapshot): the payload's only entry, before the end tag.
  kept_in_snapshot = 6,
  // Format version 3: the commit's source position (commit_changes::set_source_position), a
  // u64, last before the end tag, at most once.
  source_position = 7,
};

// The table a put tag writes to: the tags put_* follow the tables' order.
constexpr table table_of(tag put) noexcept {
  return static_cast<table>(static_cast<std::uint8_t>(put) -
                            static_cast<std::uint8_t>(tag::put_group));
}
static_assert(table_of(tag::put_group) == table::groups &&
              table_of(tag::put_customer) == table::customers &&
              table_of(tag::put_address) == table::addresses &&
              table_of(tag::put_membership) == table::memberships);

}  // namespace

std::string encode_journal_header(std::uint64_t first_sequence) {
  std::string out(journal_magic);
  put_le<std::uint32_t>(out, journal_format_version);
  put_le<std::uint32_t>(out, archive_library_version());
  put_le<std::uint64_t>(out, first_sequence);
  put_le<std::uint64_t>(out, checksum(out));
  return out;
}

journal_header decode_journal_header(std::string_view bytes, const std::filesystem::path& path) {
  if (bytes.size() < journal_header_size)
    throw corrupt_journal(path, bytes.size(), "truncated file header");
  if (bytes.substr(0, journal_magic.size()) != journal_magic)
    throw corrupt_journal(path, 0, "not a journal file (bad magic)");
  if (get_le<std::uint64_t>(bytes, 24) != checksum(bytes.substr(0, 24)))
    throw corrupt_journal(path, 24, "file header checksum mismatch");
  const auto version = get_le<std::uint32_t>(bytes, 8);
  if (version == 0 || version > journal_format_version) {
    throw error(error_code::corruption,
                fmt::format("Journal {} has format version {}; this build reads versions 1 to {}",
                            path.string(), version, journal_format_version));
  }
  journal_header h;
  h.archive_version = get_le<std::uint32_t>(bytes, 12);
  if (h.archive_version > archive_library_version()) {
    throw error(error_code::corruption,
                fmt::format("Journal {} was written with Boost archive version {}; this build has "
                            "version {}",
                            path.string(), h.archive_version, archive_library_version()));
  }
  h.first_sequence = get_le<std::uint64_t>(bytes, 16);
  return h;
}

record_header decode_record_header(std::string_view bytes) {
  record_header h;
  if (bytes.size() < record_header_size) return h;
  if (get_le<std::uint32_t>(bytes, 0) != record_magic) return h;
  const auto check = static_cast<std::uint32_t>(checksum(bytes.substr(8, 24)));
  if (get_le<std::uint32_t>(bytes, 4) != check) return h;
  h.valid = true;
  h.sequence = get_le<std::uint64_t>(bytes, 8);
  h.length = get_le<std::uint64_t>(bytes, 16);
  h.checksum = get_le<std::uint64_t>(bytes, 24);
  return h;
}

struct commit_changes::encoder {
  std::string bytes = std::string(record_header_size, '\0');  // the header's room, then the payload
  binary_record_writer archive{bytes};

  template <class Record>
  void put(tag t, const Record& r) {
    const auto code = static_cast<std::uint8_t>(t);
    archive << code << r;
  }
};

commit_changes::commit_changes(std::uint64_t sequence)
    : sequence_(sequence), encoder_(std::make_unique<encoder>()) {}
commit_changes::~commit_changes() = default;
commit_changes::commit_changes(commit_changes&&) noexcept = default;
commit_changes& commit_changes::operator=(commit_changes&&) noexcept = default;

void commit_changes::put(const customer_group_record& r) { encoder_->put(tag::put_group, r); }
void commit_changes::put(const customer_record& r) { encoder_->put(tag::put_customer, r); }
void commit_changes::put(const customer_address_record& r) { encoder_->put(tag::put_address, r); }
void commit_changes::put(const customer_group_customer_record& r) {
  encoder_->put(tag::put_membership, r);
}

void commit_changes::erase(table t, const std::string& id) {
  const auto code = static_cast<std::uint8_t>(tag::erase);
  const auto which = static_cast<std::uint8_t>(t);
  encoder_->archive << code << which << id;
}

void commit_changes::keep_in_snapshot() {
  const auto code = static_cast<std::uint8_t>(tag::kept_in_snapshot);
  encoder_->archive << code;
}

std::string finish_record(commit_changes&& changes) {
  auto& e = *changes.encoder_;
  if (const auto position = changes.source_position()) {
    const auto code = static_cast<std::uint8_t>(tag::source_position);
    const std::uint64_t value = *position;
    e.archive << code << value;
  }
  const auto code = static_cast<std::uint8_t>(tag::end);
  e.archive << code;
  std::string record = std::move(e.bytes);
  changes.encoder_.reset();
  const std::string_view payload = std::string_view(record).substr(record_header_size);
  std::string header;
  put_le<std::uint32_t>(header, record_magic);
  put_le<std::uint32_t>(header, 0);  // the check, below
  put_le<std::uint64_t>(header, changes.sequence());
  put_le<std::uint64_t>(header, payload.size());
  put_le<std::uint64_t>(header, checksum(payload));
  const auto check = static_cast<std::uint32_t>(checksum(std::string_view(header).substr(8)));
  std::string check_bytes;
  put_le<std::uint32_t>(check_bytes, check);
  header.replace(4, 4, check_bytes);
  record.replace(0, record_header_size, header);
  return record;
}

namespace {

template <class Record>
void load_put(binary_record_reader& archive, record_sink& sink) {
  Record r;
  archive >> r;
  sink.put(r);
}

}  // namespace

bool is_kept_in_snapshot(std::string_view payload) {
  binary_record_reader archive(payload);
  std::uint8_t code = 0;
  archive >> code;
  return static_cast<tag>(code) == tag::kept_in_snapshot;
}

std::optional<std::uint64_t> decode_commit(std::string_view payload, record_sink& sink) {
  binary_record_reader archive(payload);
  for (;;) {
    std::uint8_t code = 0;
    archive >> code;
    switch (static_cast<tag>(code)) {
      case tag::end:
        if (archive.remaining() != 0) throw std::runtime_error("bytes after the end tag");
        return std::nullopt;
      case tag::put_group:
      case tag::put_customer:
      case tag::put_address:
      case tag::put_membership:
        with_record_of(table_of(static_cast<tag>(code)),
                       [&]<class Record>() { load_put<Record>(archive, sink); });
        break;
      case tag::kept_in_snapshot:
        throw std::logic_error("decode_commit: a commit kept in its snapshot has no rows");
      case tag::source_position: {
        std::uint64_t position = 0;
        std::uint8_t next = 0;
        archive >> position >> next;
        if (static_cast<tag>(next) != tag::end)
          throw std::runtime_error(fmt::format("tag {} after the source position", next));
        if (archive.remaining() != 0) throw std::runtime_error("bytes after the end tag");
        sink.source_position(position);
        return position;
      }
      case tag::erase: {
        std::uint8_t which = 0;
        std::string id;
        archive >> which;
        load_text(archive, id);
        if (which >= table_count) throw std::runtime_error("unknown table in an erase");
        sink.erase(static_cast<table>(which), std::move(id));
        break;
      }
      default:
        throw std::runtime_error(fmt::format("unknown tag {}", code));
    }
  }
}

}  // namespace customerdb::persistence

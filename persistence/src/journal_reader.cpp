#include "journal_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "checksum.hpp"
#include "corruption_error.hpp"
#include "customerdb/error.hpp"
#include "journal_format.hpp"

namespace customerdb::persistence {
namespace {

bool all_zero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

}  // namespace

journal_contents read_journal(file_system& fs, const std::filesystem::path& path,
                              std::uint64_t named_sequence, bool last_file) {
  journal_contents out;
  {
    const auto file = fs.open_read(path);
    out.bytes.resize(file->size());
    file->read(0, out.bytes.size(), out.bytes.data());
  }
  const std::string_view bytes(out.bytes);
  std::size_t offset = 0;
  const auto tear = [&](std::string reason) {
    if (!last_file)
      throw corrupt_journal(path, offset,
                            fmt::format("{} in a journal file that is not the last", reason));
    out.torn = torn_tail{offset, std::move(reason)};
  };
  out.first_sequence = named_sequence;
  // A crash just after the file was created leaves it shorter than its header, or zeroed.
  if (bytes.size() < journal_header_size || all_zero(bytes.substr(0, journal_header_size))) {
    tear("incomplete file header");
    return out;
  }
  if (decode_journal_header(bytes, path).first_sequence != named_sequence) {
    throw corrupt_journal(path, 16,
                          "the file header's first sequence differs from the file name's");
  }
  std::uint64_t expected = out.first_sequence;
  offset = journal_header_size;
  while (offset < bytes.size()) {
    const std::string_view rest = bytes.substr(offset);
    if (all_zero(rest)) {
      tear("zero bytes after the last record");
      break;
    }
    if (rest.size() < record_header_size) {
      tear("incomplete record header");
      break;
    }
    const record_header h = decode_record_header(rest);
    if (!h.valid) throw corrupt_journal(path, offset, "bad record header");
    if (h.sequence != expected) {
      throw corrupt_journal(
          path, offset,
          fmt::format("record of commit {} where commit {} was expected", h.sequence, expected));
    }
    if (h.length > rest.size() - record_header_size) {
      tear("incomplete record");
      break;
    }
    const std::string_view payload = rest.substr(record_header_size, h.length);
    if (checksum(payload) != h.checksum) {
      if (record_header_size + h.length == rest.size()) {
        tear("record checksum mismatch in the last record");
        break;
      }
      throw corrupt_journal(path, offset, "record checksum mismatch");
    }
    out.records.push_back({h.sequence, offset, payload});
    offset += record_header_size + h.length;
    ++expected;
  }
  return out;
}

}  // namespace customerdb::persistence

#include "pgoutput.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <iterator>

#include "customerdb/postgres/pg_error.hpp"

namespace customerdb::postgres::pgoutput {

namespace {

// 'c' for printable ASCII, else 0xNN.
std::string shown_byte(unsigned char c) {
  if (c >= 0x20 && c < 0x7F) return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("0x{:02X}", c);
}

// What a read is for, named in messages only: "xid", or with n != 0 "type of column" + n
// ("type of column 3"). Formatted on failure only, so that reading allocates nothing.
struct field {
  std::string_view text;
  std::size_t n = 0;
  field(const char* t) : text(t) {}  // NOLINT: implicit from a literal on purpose
  field(const char* t, std::size_t number) : text(t), n(number) {}
  std::string str() const { return n == 0 ? std::string(text) : fmt::format("{} {}", text, n); }
};

// Reads one message front to back; every read checks the bytes left first.
class pgoutput_reader {
 public:
  pgoutput_reader(std::string_view bytes, std::string_view message)
      : bytes_(bytes), message_(message) {}

  std::size_t offset() const noexcept { return pos_; }
  std::size_t left() const noexcept { return bytes_.size() - pos_; }
  std::string_view message() const noexcept { return message_; }

  std::uint8_t u8(field what) {
    need(1, what);
    return static_cast<std::uint8_t>(bytes_[pos_++]);
  }
  std::uint16_t u16(field what) { return static_cast<std::uint16_t>(big(2, what)); }
  std::uint32_t u32(field what) { return static_cast<std::uint32_t>(big(4, what)); }
  std::int32_t i32(field what) { return static_cast<std::int32_t>(u32(what)); }
  std::uint64_t u64(field what) { return big(8, what); }
  std::int64_t i64(field what) { return static_cast<std::int64_t>(u64(what)); }
  lsn position(field what) { return lsn{u64(what)}; }

  // A NUL-terminated string, without its NUL.
  std::string cstring(field what) {
    const auto end = bytes_.find('\0', pos_);
    if (end == std::string_view::npos)
      throw pg_error(
          fmt::format("pgoutput: truncated {} message: {} at offset {} has no "
                      "terminating NUL",
                      message_, what.str(), pos_));
    std::string s(bytes_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }

  // An Int32 length (>= 0) and that many bytes: `length` and `what` name them.
  std::string counted(field length_what, field what) {
    const auto at = pos_;
    const auto length = i32(length_what);
    if (length < 0)
      throw pg_error(fmt::format("pgoutput: {} message: {} is negative ({}) at offset {}", message_,
                                 length_what.str(), length, at));
    const auto n = static_cast<std::size_t>(length);
    need(n, what);
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  // How many elements of at least `min_size` bytes the rest could hold: what to reserve.
  std::size_t fit(std::size_t count, std::size_t min_size) const noexcept {
    return std::min(count, left() / min_size);
  }

  void finish() const {
    if (left() != 0)
      throw pg_error(fmt::format("pgoutput: {} trailing byte{} after {} message at offset {}",
                                 left(), left() == 1 ? "" : "s", message_, pos_));
  }

  [[noreturn]] void unexpected(std::string_view expected, std::size_t at) const {
    throw pg_error(fmt::format("pgoutput: {} message: expected {} at offset {}, got {}", message_,
                               expected, at, shown_byte(static_cast<unsigned char>(bytes_[at]))));
  }

 private:
  void need(std::size_t n, field what) const {
    if (left() < n)
      throw pg_error(
          fmt::format("pgoutput: truncated {} message: {} needs {} byte{} at offset {}, "
                      "{} left",
                      message_, what.str(), n, n == 1 ? "" : "s", pos_, left()));
  }

  std::uint64_t big(std::size_t n, field what) {
    need(n, what);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(bytes_[pos_ + i]);
    pos_ += n;
    return v;
  }

  std::string_view bytes_;
  std::string_view message_;
  std::size_t pos_ = 1;  // after the tag
};

tuple read_tuple(pgoutput_reader& r) {
  const std::size_t count = r.u16("column count");
  tuple t;
  t.reserve(r.fit(count, 1));
  for (std::size_t i = 0; i < count; ++i) {
    const auto at = r.offset();
    const auto n = i + 1;
    const auto kind = r.u8({"kind of column", n});
    switch (kind) {
      case 'n':
        t.push_back({value_kind::null, {}});
        break;
      case 'u':
        t.push_back({value_kind::unchanged, {}});
        break;
      case 't':
        t.push_back({value_kind::text, r.counted({"length of column", n}, {"value of column", n})});
        break;
      default:
        throw pg_error(
            fmt::format("pgoutput: unknown column kind {} in {} message at offset {} "
                        "(column {} of {})",
                        shown_byte(kind), r.message(), at, i + 1, count));
    }
  }
  return t;
}

begin read_begin(pgoutput_reader& r) {
  begin m;
  m.final_lsn = r.position("final LSN");
  m.commit_time = r.i64("commit timestamp");
  m.xid = r.u32("xid");
  return m;
}

commit read_commit(pgoutput_reader& r) {
  commit m;
  m.flags = r.u8("flags");
  m.commit_lsn = r.position("commit LSN");
  m.end_lsn = r.position("end LSN");
  m.commit_time = r.i64("commit timestamp");
  return m;
}

origin read_origin(pgoutput_reader& r) {
  origin m;
  m.commit_lsn = r.position("origin commit LSN");
  m.name = r.cstring("origin name");
  return m;
}

relation read_relation(pgoutput_reader& r) {
  relation m;
  m.relation_id = r.u32("relation id");
  m.namespace_name = r.cstring("namespace");
  m.name = r.cstring("name");
  const auto at = r.offset();
  const auto identity = r.u8("replica identity");
  switch (identity) {
    case 'd':
    case 'n':
    case 'f':
    case 'i':
      m.replica_identity = static_cast<replica_identity>(identity);
      break;
    default:
      throw pg_error(
          fmt::format("pgoutput: Relation message: unknown replica identity {} at "
                      "offset {}",
                      shown_byte(identity), at));
  }
  const std::size_t count = r.u16("column count");
  m.columns.reserve(r.fit(count, 10));  // flags, "", type, typmod
  for (std::size_t i = 0; i < count; ++i) {
    const auto n = i + 1;
    relation_column c;
    c.flags = r.u8({"flags of column", n});
    c.name = r.cstring({"name of column", n});
    c.type_oid = r.u32({"type of column", n});
    c.type_modifier = r.i32({"type modifier of column", n});
    m.columns.push_back(std::move(c));
  }
  return m;
}

type read_type(pgoutput_reader& r) {
  type m;
  m.type_oid = r.u32("type id");
  m.namespace_name = r.cstring("namespace");
  m.name = r.cstring("name");
  return m;
}

// Reads the tag byte that must be one of `allowed`, reporting `expected` otherwise.
char tuple_tag(pgoutput_reader& r, std::string_view allowed, std::string_view expected) {
  const auto at = r.offset();
  const auto tag = static_cast<char>(r.u8("tuple tag"));
  if (allowed.find(tag) == std::string_view::npos) r.unexpected(expected, at);
  return tag;
}

insert read_insert(pgoutput_reader& r) {
  insert m;
  m.relation_id = r.u32("relation id");
  tuple_tag(r, "N", "'N'");
  m.new_tuple = read_tuple(r);
  return m;
}

update read_update(pgoutput_reader& r) {
  update m;
  m.relation_id = r.u32("relation id");
  auto tag = tuple_tag(r, "KON", "'K', 'O' or 'N'");
  if (tag != 'N') {
    m.old_kind = static_cast<old_tuple_kind>(tag);
    m.old_tuple = read_tuple(r);
    tuple_tag(r, "N", "'N'");
  }
  m.new_tuple = read_tuple(r);
  return m;
}

remove read_delete(pgoutput_reader& r) {
  remove m;
  m.relation_id = r.u32("relation id");
  m.old_kind = static_cast<old_tuple_kind>(tuple_tag(r, "KO", "'K' or 'O'"));
  m.old_tuple = read_tuple(r);
  return m;
}

truncate read_truncate(pgoutput_reader& r) {
  truncate m;
  const std::size_t count = r.u32("relation count");
  const auto at = r.offset();
  const auto options = r.u8("options");
  if ((options & ~3u) != 0)
    throw pg_error(
        fmt::format("pgoutput: Truncate message: unknown option bits 0x{:02X} at "
                    "offset {}",
                    options & ~3u, at));
  m.cascade = (options & 1) != 0;
  m.restart_identity = (options & 2) != 0;
  m.relation_ids.reserve(r.fit(count, 4));
  for (std::size_t i = 0; i < count; ++i) m.relation_ids.push_back(r.u32({"relation id", i + 1}));
  return m;
}

logical_message read_message(pgoutput_reader& r) {
  logical_message m;
  const auto at = r.offset();
  const auto flags = r.u8("flags");
  if ((flags & ~1u) != 0)
    throw pg_error(
        fmt::format("pgoutput: Message message: unknown flags 0x{:02X} at offset {}", flags, at));
  m.transactional = (flags & 1) != 0;
  m.message_lsn = r.position("message LSN");
  m.prefix = r.cstring("prefix");
  m.content = r.counted("content length", "content");
  return m;
}

// The message `bytes` holds, read by `read` as a message of kind `name`, which must use every
// byte.
template <class T>
message read_whole(std::string_view bytes, const char* name, T (*read)(pgoutput_reader&)) {
  pgoutput_reader r(bytes, name);
  message m{read(r)};
  r.finish();
  return m;
}

}  // namespace

message decode(std::string_view bytes) {
  if (bytes.empty()) throw pg_error("pgoutput: empty message");
  const auto tag = static_cast<unsigned char>(bytes[0]);
  switch (tag) {
    case 'B':
      return read_whole(bytes, "Begin", read_begin);
    case 'C':
      return read_whole(bytes, "Commit", read_commit);
    case 'O':
      return read_whole(bytes, "Origin", read_origin);
    case 'R':
      return read_whole(bytes, "Relation", read_relation);
    case 'Y':
      return read_whole(bytes, "Type", read_type);
    case 'I':
      return read_whole(bytes, "Insert", read_insert);
    case 'U':
      return read_whole(bytes, "Update", read_update);
    case 'D':
      return read_whole(bytes, "Delete", read_delete);
    case 'T':
      return read_whole(bytes, "Truncate", read_truncate);
    case 'M':
      return read_whole(bytes, "Message", read_message);
    default:
      throw pg_error(fmt::format("pgoutput: unknown message tag {} at offset 0", shown_byte(tag)));
  }
}

std::string_view message_name(const message& m) noexcept {
  static constexpr std::string_view names[] = {"Begin",  "Commit", "Origin", "Relation", "Type",
                                               "Insert", "Update", "Delete", "Truncate", "Message"};
  static_assert(std::size(names) == std::variant_size_v<message>);
  return names[m.index()];
}

}  // namespace customerdb::postgres::pgoutput

// The bytes of records as Boost's binary archives hold them, written and read without a Boost
// archive: binary_record_writer appends them to a std::string, binary_record_reader reads them
// from bytes in memory. The journal (journal_format.cpp) writes and reads each commit's record
// with them, and the snapshot reader reads a section's rows with the reader once Boost has read
// the section's archive header (snapshot_reader.cpp).
//
// Why not a Boost archive: a journal record is a self-contained archive (each names the class
// version of the records it holds, so a commit needs an archive of its own), and a Boost
// archive builds a std::locale when it is made, whatever its flags: about 1 µs, a fifth of a
// commit to a data directory and a third of replaying one. Boost's archives also pass every
// value through a stream buffer and their per-object bookkeeping.
//
// The bytes, those of Boost 1.81's binary archives (archive library version 19), native byte
// order as Boost's:
//   - an arithmetic value: its object representation; a bool: one byte, 0 or 1;
//   - a std::string: its length as a std::size_t, then its characters;
//   - a record (customerdb/records.hpp; Boost's default implementation level, never tracked):
//     before the first record of its type in an archive, its tracking flag (one byte, 0) and
//     its class version (four bytes); then what its serialize function (record_archive.hpp)
//     writes, given that version;
//   - any other class (implementation level object_serializable: std::optional, timestamps,
//     metadata): what its serialize function writes, nothing of its own.
// Anything else does not compile. tests/persistence/record_codec_test.cpp checks both against
// Boost's archives for every record type.
//
// Errors: the reader throws std::runtime_error "input stream error" (Boost's words) when the
// bytes end early, and std::runtime_error for a bool that is not 0 or 1 (load_flag), a record
// marked as tracked, or a class version newer than the build's. The callers report these as
// corruption.
//
// Thread-compatible.
#pragma once

#include <array>
#include <boost/archive/basic_archive.hpp>
#include <boost/mpl/bool.hpp>
#include <boost/serialization/level.hpp>
#include <boost/serialization/serialization.hpp>
#include <boost/serialization/tracking.hpp>
#include <boost/serialization/version.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "record_archive.hpp"

namespace customerdb::persistence {

// The archive library version of this build's Boost: what its archives write (a journal file's
// header and a snapshot's record it), and the version whose bytes the codec writes and reads.
inline std::uint32_t archive_library_version() {
  return static_cast<std::uint32_t>(boost::archive::BOOST_ARCHIVE_VERSION());
}

namespace codec_detail {

template <class T>
inline constexpr char type_key = 0;  // its address names T

template <class T>
inline constexpr bool is_record = requires { typename T::columns; };

template <class T>
constexpr void check_record() {
  namespace s = boost::serialization;
  static_assert(s::implementation_level<T>::value == s::object_class_info &&
                s::tracking_level<T>::value == s::track_never);
}

template <class T>
constexpr void check_inline() {
  namespace s = boost::serialization;
  static_assert(s::implementation_level<T>::value == s::object_serializable);
}

// The record types an archive has met, with the class version it gave each.
class record_types {
 public:
  // The version recorded for the type `key` names, or nullptr before its first record.
  const std::uint32_t* find(const void* key) const noexcept {
    for (std::size_t i = 0; i < count_; ++i)
      if (seen_[i].first == key) return &seen_[i].second;
    return nullptr;
  }
  void add(const void* key, std::uint32_t version) {
    if (count_ == seen_.size()) throw std::logic_error("record codec: too many record types");
    seen_[count_++] = {key, version};
  }

 private:
  std::array<std::pair<const void*, std::uint32_t>, 8> seen_{};
  std::size_t count_ = 0;
};

}  // namespace codec_detail

class binary_record_writer {
 public:
  // What Boost's serialization functions ask of an archive.
  using is_saving = boost::mpl::bool_<true>;
  using is_loading = boost::mpl::bool_<false>;

  // Appends to `out`, which must outlive the writer.
  explicit binary_record_writer(std::string& out) noexcept : out_(out) {}

  template <class T>
  binary_record_writer& operator<<(const T& value) {
    write(value);
    return *this;
  }
  template <class T>
  binary_record_writer& operator&(const T& value) {
    return *this << value;
  }
  void save_binary(const void* data, std::size_t size) {
    out_.append(static_cast<const char*>(data), size);
  }

 private:
  template <class T>
  void write(const T& value) {
    namespace s = boost::serialization;
    if constexpr (std::is_arithmetic_v<T>) {
      save_binary(&value, sizeof value);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const std::size_t length = value.size();
      save_binary(&length, sizeof length);
      save_binary(value.data(), length);
    } else if constexpr (codec_detail::is_record<T>) {
      codec_detail::check_record<T>();
      const std::uint32_t version = s::version<T>::value;
      if (!types_.find(&codec_detail::type_key<T>)) {
        types_.add(&codec_detail::type_key<T>, version);
        const bool tracked = false;
        save_binary(&tracked, sizeof tracked);
        save_binary(&version, sizeof version);
      }
      s::serialize_adl(*this, const_cast<T&>(value), version);
    } else {
      codec_detail::check_inline<T>();
      s::serialize_adl(*this, const_cast<T&>(value), s::version<T>::value);
    }
  }

  std::string& out_;
  codec_detail::record_types types_;
};

class binary_record_reader {
 public:
  // What Boost's serialization functions ask of an archive.
  using is_saving = boost::mpl::bool_<false>;
  using is_loading = boost::mpl::bool_<true>;

  // Reads `bytes`, which must outlive the reader.
  explicit binary_record_reader(std::string_view bytes) noexcept : rest_(bytes) {}

  template <class T>
  binary_record_reader& operator>>(T& value) {
    read(value);
    return *this;
  }
  template <class T>
  binary_record_reader& operator&(T& value) {
    return *this >> value;
  }
  void load_binary(void* data, std::size_t size) {
    if (size > rest_.size()) throw std::runtime_error("input stream error");
    if (size > 0) std::memcpy(data, rest_.data(), size);
    rest_.remove_prefix(size);
  }
  // The bytes not read yet.
  std::size_t remaining() const noexcept { return rest_.size(); }

 private:
  template <class T>
  void read(T& value) {
    namespace s = boost::serialization;
    if constexpr (std::is_same_v<T, bool>) {
      load_flag(*this, value);
    } else if constexpr (std::is_arithmetic_v<T>) {
      load_binary(&value, sizeof value);
    } else if constexpr (std::is_same_v<T, std::string>) {
      load_text(*this, value);
    } else if constexpr (codec_detail::is_record<T>) {
      codec_detail::check_record<T>();
      const std::uint32_t* version = types_.find(&codec_detail::type_key<T>);
      if (!version) {
        std::uint8_t tracked = 0;
        std::uint32_t file_version = 0;
        *this >> tracked >> file_version;
        if (tracked != 0) throw std::runtime_error("a record is marked as tracked");
        if (file_version > s::version<T>::value) {
          throw std::runtime_error("a record of class version " + std::to_string(file_version) +
                                   ", newer than this build's " +
                                   std::to_string(s::version<T>::value));
        }
        types_.add(&codec_detail::type_key<T>, file_version);
        version = types_.find(&codec_detail::type_key<T>);
      }
      s::serialize_adl(*this, value, *version);
    } else {
      codec_detail::check_inline<T>();
      s::serialize_adl(*this, value, s::version<T>::value);
    }
  }

  std::string_view rest_;
  codec_detail::record_types types_;
};

}  // namespace customerdb::persistence

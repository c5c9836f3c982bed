// binary_record_writer: writes values as Boost's binary_oarchive, made with no_header, writes
// them, straight onto the end of a std::string. The journal (journal_format.cpp) writes each
// commit's record with it and reads records back with Boost's binary_iarchive.
//
// Why not a Boost archive: a journal record is a self-contained archive (each names the class
// version of the records it holds, so a commit needs an archive of its own), and a Boost
// archive builds a std::locale when it is made, whatever its flags: about 1 µs, a fifth of a
// commit to a data directory. This writes the same bytes with no set-up at all.
//
// The bytes, as Boost 1.81's binary archives write them (native byte order, as Boost's):
//   - an arithmetic value or a bool: its object representation;
//   - a std::string: its length as a std::size_t, then its characters;
//   - a record (customerdb/records.hpp; Boost's default implementation level, never tracked):
//     the first time its type is written, its tracking flag (one byte, 0) and its class version
//     (four bytes); then what its serialize function (record_archive.hpp) writes;
//   - any other class (implementation level object_serializable: std::optional, timestamps,
//     metadata): what its serialize function writes, nothing of its own.
// Anything else does not compile. tests/persistence/record_writer_test.cpp checks the bytes
// against Boost's archive for every record type.
//
// Thread-compatible.
#pragma once

#include <array>
#include <boost/mpl/bool.hpp>
#include <boost/serialization/level.hpp>
#include <boost/serialization/serialization.hpp>
#include <boost/serialization/tracking.hpp>
#include <boost/serialization/version.hpp>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace customerdb::persistence {

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
  static constexpr char type_key = 0;  // its address names T

  template <class T>
  void write(const T& value) {
    namespace s = boost::serialization;
    if constexpr (std::is_arithmetic_v<T>) {
      save_binary(&value, sizeof value);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const std::size_t length = value.size();
      save_binary(&length, sizeof length);
      save_binary(value.data(), length);
    } else if constexpr (requires { typename T::columns; }) {
      static_assert(s::implementation_level<T>::value == s::object_class_info &&
                    s::tracking_level<T>::value == s::track_never);
      const std::uint32_t version = s::version<T>::value;
      if (first_time(&type_key<T>)) {
        const bool tracked = false;
        save_binary(&tracked, sizeof tracked);
        save_binary(&version, sizeof version);
      }
      s::serialize_adl(*this, const_cast<T&>(value), version);
    } else {
      static_assert(s::implementation_level<T>::value == s::object_serializable);
      s::serialize_adl(*this, const_cast<T&>(value), s::version<T>::value);
    }
  }

  // Whether the record type `key` names is written here for the first time.
  bool first_time(const void* key) {
    for (std::size_t i = 0; i < seen_count_; ++i)
      if (seen_[i] == key) return false;
    if (seen_count_ == seen_.size()) throw std::logic_error("binary_record_writer: too many types");
    seen_[seen_count_++] = key;
    return true;
  }

  std::string& out_;
  std::array<const void*, 8> seen_{};  // the record types written so far
  std::size_t seen_count_ = 0;
};

}  // namespace customerdb::persistence

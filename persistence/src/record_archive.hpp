// How records (customerdb/records.hpp) go into Boost.Serialization archives: the free
// serialize functions of the four record types, and of the field types Boost 1.81 does not
// know (std::optional, timestamps, metadata).
//
// Versioning: each record type is archived with its class version (BOOST_CLASS_VERSION below);
// a loader reads every version up to its own and refuses newer ones. The field types are
// archived inline, without a version of their own (implementation level object_serializable):
// changing how one of them is written means bumping the version of every record that holds it.
// Persisted versions are never reused.
#pragma once

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/serialization/level.hpp>
#include <boost/serialization/split_free.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/tracking.hpp>
#include <boost/serialization/version.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "customerdb/records.hpp"

namespace customerdb::persistence {

// Loads a string as Boost's binary archives write it (its length, then its bytes), growing it
// only as its bytes arrive, a piece of at most 1 MiB at a time. Boost's own load sizes the string
// to the length it reads before reading a byte, so that a damaged length (in a file whose
// checksums match: a crafted file, or one a bug wrote) made it allocate and zero up to exabytes;
// this allocates at most 1 MiB beyond what the archive holds. A short archive throws
// boost::archive::archive_exception (input stream error), as Boost's load does.
template <class Archive>
void load_text(Archive& ar, std::string& s) {
  std::size_t length = 0;
  ar >> length;
  s.clear();
  constexpr std::size_t piece = std::size_t{1} << 20;
  while (s.size() < length) {
    const std::size_t start = s.size();
    s.resize(start + std::min(piece, length - start));
    ar.load_binary(s.data() + start, s.size() - start);
  }
}

// Loads a bool as Boost's binary archives write it, one byte, 0 or 1. Boost's own load copies the
// byte into the bool whatever it is: any other value was undefined behaviour (and failed an
// assertion in Boost's debug builds). Throws std::runtime_error "a boolean holds <n>" for one.
template <class Archive>
void load_flag(Archive& ar, bool& b) {
  std::uint8_t byte = 0;
  ar >> byte;
  if (byte > 1) throw std::runtime_error("a boolean holds " + std::to_string(byte));
  b = byte == 1;
}

// A record's column into or out of `ar`: strings are loaded with load_text, booleans with
// load_flag.
template <class Archive, class T>
void archive_column(Archive& ar, T& member) {
  if constexpr (Archive::is_loading::value && std::is_same_v<T, std::string>) {
    load_text(ar, member);
  } else if constexpr (Archive::is_loading::value && std::is_same_v<T, bool>) {
    load_flag(ar, member);
  } else {
    ar& member;
  }
}

}  // namespace customerdb::persistence

namespace boost::serialization {

// ---- std::optional<T>: a presence flag, then the value -------------------------------------

template <class Archive, class T>
void save(Archive& ar, const std::optional<T>& value, const unsigned int /*version*/) {
  const bool present = value.has_value();
  ar << present;
  if (present) ar << *value;
}

template <class Archive, class T>
void load(Archive& ar, std::optional<T>& value, const unsigned int /*version*/) {
  bool present = false;
  customerdb::persistence::load_flag(ar, present);
  if (!present) {
    value.reset();
    return;
  }
  if (!value) value.emplace();
  if constexpr (std::is_same_v<T, std::string>) {
    customerdb::persistence::load_text(ar, *value);
  } else {
    ar >> *value;
  }
}

template <class Archive, class T>
void serialize(Archive& ar, std::optional<T>& value, const unsigned int version) {
  split_free(ar, value, version);
}

template <class T>
struct version<std::optional<T>> {
  typedef mpl::int_<0> type;
  typedef mpl::integral_c_tag tag;
  BOOST_STATIC_CONSTANT(int, value = 0);
};
template <class T>
struct implementation_level_impl<const std::optional<T>> {
  typedef mpl::integral_c_tag tag;
  typedef mpl::int_<object_serializable> type;
  BOOST_STATIC_CONSTANT(int, value = object_serializable);
};
template <class T>
struct tracking_level_impl<const std::optional<T>> {
  typedef mpl::integral_c_tag tag;
  typedef mpl::int_<track_never> type;
  BOOST_STATIC_CONSTANT(int, value = track_never);
};

// ---- timestamps: milliseconds since the Unix epoch, as a signed 64-bit count ---------------

template <class Archive>
void save(Archive& ar, const customerdb::timestamp& t, const unsigned int /*version*/) {
  const std::int64_t ms = t.time_since_epoch().count();
  ar << ms;
}

template <class Archive>
void load(Archive& ar, customerdb::timestamp& t, const unsigned int /*version*/) {
  std::int64_t ms = 0;
  ar >> ms;
  t = customerdb::timestamp(std::chrono::milliseconds(ms));
}

template <class Archive>
void serialize(Archive& ar, customerdb::timestamp& t, const unsigned int version) {
  split_free(ar, t, version);
}

// ---- metadata: its JSON text ---------------------------------------------------------------

template <class Archive>
void save(Archive& ar, const customerdb::metadata& m, const unsigned int /*version*/) {
  const std::string text = boost::json::serialize(m);
  ar << text;
}

template <class Archive>
void load(Archive& ar, customerdb::metadata& m, const unsigned int /*version*/) {
  std::string text;
  customerdb::persistence::load_text(ar, text);
  m = boost::json::parse(text).as_object();  // throws for text that is not an object
}

template <class Archive>
void serialize(Archive& ar, customerdb::metadata& m, const unsigned int version) {
  split_free(ar, m, version);
}

// ---- the records ---------------------------------------------------------------------------

// Every record: its stored columns in declaration order (customerdb/columns.hpp).
template <class Archive, class Record>
requires requires { typename Record::columns; }
void serialize(Archive& ar, Record& r, const unsigned int version) {
  if constexpr (std::is_same_v<Record, customerdb::customer_record>) {
    if (Archive::is_loading::value && version == 0) {
      // Version 0 held the customer's text columns in the order company_name, first_name,
      // last_name, email, phone; the columns after them are as today.
      customerdb::persistence::archive_column(ar, r.id);
      ar& r.company_name& r.first_name& r.last_name& r.email& r.phone;
      bool after_phone = false;
      customerdb::for_each_column<customerdb::customer_columns>([&](const auto& column) {
        if constexpr (std::remove_cvref_t<decltype(column)>::stored) {
          if (after_phone) customerdb::persistence::archive_column(ar, column.member(r));
        }
        after_phone = after_phone || column.name == "phone";
      });
      return;
    }
  }
  if constexpr (std::is_same_v<Record, customerdb::customer_address_record> ||
                std::is_same_v<Record, customerdb::customer_group_customer_record>) {
    if (Archive::is_loading::value && version == 0) {
      // Version 0 had no deleted_at (Medusa v1's model): such rows are live.
      customerdb::for_each_column<typename Record::columns>([&](const auto& column) {
        using column_type = std::remove_cvref_t<decltype(column)>;
        if constexpr (column_type::stored &&
                      !column_type::template is<customerdb::column_kind::deleted>) {
          customerdb::persistence::archive_column(ar, column.member(r));
        }
      });
      return;
    }
  }
  customerdb::for_each_column<typename Record::columns>([&](const auto& column) {
    if constexpr (std::remove_cvref_t<decltype(column)>::stored) {
      customerdb::persistence::archive_column(ar, column.member(r));
    }
  });
}

}  // namespace boost::serialization

BOOST_CLASS_IMPLEMENTATION(customerdb::timestamp, boost::serialization::object_serializable)
BOOST_CLASS_TRACKING(customerdb::timestamp, boost::serialization::track_never)
BOOST_CLASS_VERSION(customerdb::timestamp, 0)
BOOST_CLASS_IMPLEMENTATION(customerdb::metadata, boost::serialization::object_serializable)
BOOST_CLASS_TRACKING(customerdb::metadata, boost::serialization::track_never)
BOOST_CLASS_VERSION(customerdb::metadata, 0)

// The records: their stored columns in declaration order. Version 1 of customer_record moved
// email before first_name; version 1 of the address and membership records added deleted_at
// (Medusa v2's model); every version 0 is still read.
BOOST_CLASS_VERSION(customerdb::customer_record, 1)
BOOST_CLASS_TRACKING(customerdb::customer_record, boost::serialization::track_never)
BOOST_CLASS_VERSION(customerdb::customer_group_record, 0)
BOOST_CLASS_TRACKING(customerdb::customer_group_record, boost::serialization::track_never)
BOOST_CLASS_VERSION(customerdb::customer_address_record, 1)
BOOST_CLASS_TRACKING(customerdb::customer_address_record, boost::serialization::track_never)
BOOST_CLASS_VERSION(customerdb::customer_group_customer_record, 1)
BOOST_CLASS_TRACKING(customerdb::customer_group_customer_record, boost::serialization::track_never)

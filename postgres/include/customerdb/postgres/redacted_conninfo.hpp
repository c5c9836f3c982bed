// customerdb::postgres::redacted_conninfo: a libpq connection string or URL fit for messages,
// logs and answers to clients: its password left out, as every message of the postgres library
// shows a connection (pg_error.hpp).
//
//   redacted_conninfo("host=db dbname=shop password=s3cret") == "host=db dbname=shop password=***"
//   redacted_conninfo("postgresql://app:s3cret@db/shop")     == "postgresql://app:***@db/shop"
//
// The text is not parsed or checked otherwise: anything else stays as given.
//
// Errors: none but std::bad_alloc. Thread-safety: a pure function, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace customerdb::postgres {

// `conninfo` with "password=..." (quoted or not) and the password of a URL replaced by "***".
std::string redacted_conninfo(std::string_view conninfo);

}  // namespace customerdb::postgres

// The SQL of the database peers (sql_text.hpp).
#include "sql_text.hpp"

#include <fmt/format.h>

#include <string_view>

namespace customerdb::peers {

namespace {

// A CREATE TABLE for SQLite: {b}, {j}, {t} and {n} in `text` stand for its boolean, JSON and
// time types and its current time (Medusa's boolean, jsonb, timestamptz and now()).
std::string create_table(std::string_view text) {
  return fmt::format(fmt::runtime(text), fmt::arg("b", "boolean"), fmt::arg("j", "text"),
                     fmt::arg("t", "text"), fmt::arg("n", "CURRENT_TIMESTAMP"));
}

// $n -> ?n for SQLite.
std::string placeholders(std::string sql, dialect d) {
  if (d == dialect::sqlite)
    for (auto& ch : sql)
      if (ch == '$') ch = '?';
  return sql;
}

constexpr const char* row_columns =
    "c.id, c.company_name, c.first_name, c.last_name, c.email, c.phone, c.has_account, "
    "c.metadata, c.created_by, c.created_at, c.updated_at, c.deleted_at, "
    "(SELECT a.id FROM customer_address a WHERE a.customer_id = c.id AND a.is_default_billing) "
    "AS default_billing_address_id, "
    "(SELECT a.id FROM customer_address a WHERE a.customer_id = c.id AND a.is_default_shipping) "
    "AS default_shipping_address_id";

}  // namespace

std::vector<std::string> sqlite_schema_statements() {
  return {
      create_table("CREATE TABLE customer (id text NOT NULL PRIMARY KEY, company_name text, "
                   "first_name text, last_name text, email text, phone text, "
                   "has_account {b} NOT NULL DEFAULT false, metadata {j}, created_by text, "
                   "created_at {t} NOT NULL DEFAULT {n}, updated_at {t} NOT NULL DEFAULT {n}, "
                   "deleted_at {t})"),
      "CREATE UNIQUE INDEX IDX_customer_email_has_account_unique ON customer (email, "
      "has_account) WHERE deleted_at IS NULL",
      "CREATE INDEX IDX_customer_deleted_at ON customer (deleted_at)",
      create_table("CREATE TABLE customer_group (id text NOT NULL PRIMARY KEY, name text NOT NULL, "
                   "metadata {j}, created_by text, created_at {t} NOT NULL DEFAULT {n}, "
                   "updated_at {t} NOT NULL DEFAULT {n}, deleted_at {t})"),
      "CREATE UNIQUE INDEX IDX_customer_group_name_unique ON customer_group (name) "
      "WHERE deleted_at IS NULL",
      "CREATE INDEX IDX_customer_group_deleted_at ON customer_group (deleted_at)",
      create_table("CREATE TABLE customer_address (id text NOT NULL PRIMARY KEY, "
                   "customer_id text NOT NULL REFERENCES customer (id) ON DELETE CASCADE, "
                   "address_name text, is_default_shipping {b} NOT NULL DEFAULT false, "
                   "is_default_billing {b} NOT NULL DEFAULT false, company text, first_name text, "
                   "last_name text, address_1 text, address_2 text, city text, country_code text, "
                   "province text, postal_code text, phone text, metadata {j}, "
                   "created_at {t} NOT NULL DEFAULT {n}, updated_at {t} NOT NULL DEFAULT {n})"),
      "CREATE UNIQUE INDEX IDX_customer_address_unique_customer_shipping ON customer_address "
      "(customer_id) WHERE is_default_shipping",
      "CREATE UNIQUE INDEX IDX_customer_address_unique_customer_billing ON customer_address "
      "(customer_id) WHERE is_default_billing",
      "CREATE INDEX IDX_customer_address_customer_id ON customer_address (customer_id)",
      create_table("CREATE TABLE customer_group_customer (id text NOT NULL PRIMARY KEY, "
                   "customer_id text NOT NULL REFERENCES customer (id) ON DELETE CASCADE, "
                   "customer_group_id text NOT NULL REFERENCES customer_group (id) "
                   "ON DELETE CASCADE, metadata {j}, created_by text, "
                   "created_at {t} NOT NULL DEFAULT {n}, updated_at {t} NOT NULL DEFAULT {n})"),
      "CREATE UNIQUE INDEX IDX_customer_group_customer_unique ON customer_group_customer "
      "(customer_id, customer_group_id)",
      "CREATE INDEX IDX_customer_group_customer_customer_id ON customer_group_customer "
      "(customer_id)",
      "CREATE INDEX IDX_customer_group_customer_group_id ON customer_group_customer "
      "(customer_group_id)",
  };
}

query_texts queries(dialect d) {
  const char* like = d == dialect::postgres ? "ILIKE" : "LIKE";  // SQLite's LIKE ignores case
  const auto q = [&](std::string sql) { return placeholders(std::move(sql), d); };
  // A page: the rows are chosen, ordered and cut on the customer table alone, and only the page's
  // rows get their derived columns (otherwise both databases compute them for skipped rows too).
  const auto page = [&](const std::string& where, const std::string& paging) {
    return q(
        fmt::format("SELECT {} FROM (SELECT c.* FROM customer c WHERE c.deleted_at IS NULL{} "
                    "ORDER BY c.id {}) c ORDER BY c.id",
                    row_columns, where, paging));
  };
  const std::string search = fmt::format(
      " AND (c.email {0} $1 OR c.first_name {0} $1 OR c.last_name {0} $1 OR "
      "c.company_name {0} $1 OR c.phone {0} $1)",
      like);
  return {
      .retrieve = q(fmt::format(
          "SELECT {} FROM customer c WHERE c.deleted_at IS NULL AND c.id = $1", row_columns)),
      .by_email = page(" AND c.email = $1", "LIMIT 15"),
      .first_page = page("", "LIMIT 15"),
      .deep_page = page("", "LIMIT 15 OFFSET $1"),
      .group_page = q(fmt::format(
          "SELECT {} FROM (SELECT c.* FROM customer c JOIN customer_group_customer m ON "
          "m.customer_id = c.id WHERE m.customer_group_id = $1 AND c.deleted_at IS NULL "
          "ORDER BY c.id LIMIT 15) c ORDER BY c.id",
          row_columns)),
      .company_page = page(" AND c.company_name = $1", "LIMIT 15"),
      .company_count = q(fmt::format(
          "SELECT count(*) FROM customer c WHERE c.deleted_at IS NULL AND c.company_name = $1")),
      .search_page = page(search, "LIMIT 15"),
      .search_count =
          q(fmt::format("SELECT count(*) FROM customer c WHERE c.deleted_at IS NULL{}", search)),
      .insert_customer =
          q("INSERT INTO customer (id, email, first_name, has_account, created_at, updated_at) "
            "VALUES ($1, $2, $3, false, $4, $4)"),
      .update_customer =
          q("UPDATE customer SET last_name = $2, updated_at = $3 WHERE id = $1 AND deleted_at IS "
            "NULL RETURNING id, company_name, first_name, last_name, email, phone, has_account, "
            "metadata, created_by, created_at, updated_at, deleted_at"),
  };
}

}  // namespace customerdb::peers

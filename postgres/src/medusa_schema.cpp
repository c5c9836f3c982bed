#include "medusa_schema.hpp"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string_view>

#include "record_lines.hpp"

namespace customerdb::postgres {

medusa_ddl_statements medusa_ddl(schema_generation g) {
  const bool v2 = g == schema_generation::v2;
  // deleted_at of addresses and memberships, which v2 added.
  const char* deleted = v2 ? R"(, "deleted_at" timestamptz null)" : "";
  medusa_ddl_statements ddl;
  ddl.tables = {
      R"(create table "customer" ("id" text not null, "company_name" text null, "first_name" text null, "last_name" text null, "email" text null, "phone" text null, "has_account" boolean not null default false, "metadata" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, "created_by" text null))",
      fmt::format(
          R"(create table "customer_address" ("id" text not null, "customer_id" text not null, "address_name" text null, "is_default_shipping" boolean not null default false, "is_default_billing" boolean not null default false, "company" text null, "first_name" text null, "last_name" text null, "address_1" text null, "address_2" text null, "city" text null, "country_code" text null, "province" text null, "postal_code" text null, "phone" text null, "metadata" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(){}))",
          deleted),
      fmt::format(
          R"(create table "customer_group" ("id" text not null, "name" text {}, "metadata" jsonb null, "created_by" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null))",
          v2 ? "not null" : "null"),
      fmt::format(
          R"(create table "customer_group_customer" ("id" text not null, "customer_id" text not null, "customer_group_id" text not null, "metadata" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "created_by" text null{}))",
          deleted),
  };
  ddl.keys = {
      R"(alter table "customer" add constraint "customer_pkey" primary key ("id"))",
      R"(alter table "customer_address" add constraint "customer_address_pkey" primary key ("id"))",
      R"(alter table "customer_group" add constraint "customer_group_pkey" primary key ("id"))",
      R"(alter table "customer_group_customer" add constraint "customer_group_customer_pkey" primary key ("id"))",
      R"(create unique index "IDX_customer_email_has_account_unique" on "customer" ("email", "has_account") where "deleted_at" is null)",
      R"(create index "IDX_customer_address_customer_id" on "customer_address" ("customer_id"))",
      R"(create unique index "IDX_customer_address_unique_customer_billing" on "customer_address" ("customer_id") where "is_default_billing" = true)",
      R"(create unique index "IDX_customer_address_unique_customer_shipping" on "customer_address" ("customer_id") where "is_default_shipping" = true)",
      R"(create index "IDX_customer_group_customer_customer_id" on "customer_group_customer" ("customer_id"))",
      R"(alter table "customer_address" add constraint "customer_address_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade)",
  };
  if (v2) {
    ddl.keys.insert(
        ddl.keys.end(),
        {
            R"(create unique index "IDX_customer_group_name_unique" on "customer_group" ("name") where "deleted_at" is null)",
            R"(create index "IDX_customer_deleted_at" on "customer" ("deleted_at") where "deleted_at" is null)",
            R"(create index "IDX_customer_address_deleted_at" on "customer_address" ("deleted_at") where "deleted_at" is null)",
            R"(create index "IDX_customer_group_deleted_at" on "customer_group" ("deleted_at") where "deleted_at" is null)",
            R"(create index "IDX_customer_group_customer_customer_group_id" on "customer_group_customer" ("customer_group_id") where "deleted_at" is null)",
            R"(create index "IDX_customer_group_customer_deleted_at" on "customer_group_customer" ("deleted_at") where "deleted_at" is null)",
            R"(alter table "customer_group_customer" add constraint "customer_group_customer_customer_group_id_foreign" foreign key ("customer_group_id") references "customer_group" ("id") on update cascade on delete cascade)",
            R"(alter table "customer_group_customer" add constraint "customer_group_customer_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade)",
        });
  } else {
    ddl.keys.insert(
        ddl.keys.end(),
        {
            R"(create unique index "IDX_customer_group_name" on "customer_group" ("name") where "deleted_at" is null)",
            R"(create index "IDX_customer_group_customer_group_id" on "customer_group_customer" ("customer_group_id"))",
            R"(alter table "customer_group_customer" add constraint "customer_group_customer_customer_group_id_foreign" foreign key ("customer_group_id") references "customer_group" ("id") on delete cascade)",
            R"(alter table "customer_group_customer" add constraint "customer_group_customer_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on delete cascade)",
        });
  }
  return ddl;
}

namespace {

// table -> column -> type, as the database has them.
using table_columns = std::map<std::string, std::map<std::string, std::string>, std::less<>>;

table_columns read_columns(connection& db) {
  const auto r = db.exec(
      "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
      "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
      "WHERE c.relnamespace = to_regnamespace(current_schema()) AND c.relkind IN ('r', 'p') "
      "AND c.relname IN ('customer', 'customer_group', 'customer_address', "
      "'customer_group_customer') AND a.attnum > 0 AND NOT a.attisdropped");
  table_columns tables;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    tables[PQgetvalue(r.get(), i, 0)][PQgetvalue(r.get(), i, 1)] = PQgetvalue(r.get(), i, 2);
  return tables;
}

// The types customerdb reads a column kind from.
bool type_fits(std::string_view expected, std::string_view actual) {
  if (expected == actual) return true;
  if (expected == "text")
    return actual == "character varying" || actual.starts_with("character varying(");
  if (expected == "jsonb") return actual == "json";
  return false;
}

// Checks Record's table against generation g's columns; returns whether it has the v2 columns.
template <class Record>
bool check_table(const std::map<std::string, std::string>& actual) {
  const auto table = table_of<Record>;
  std::set<std::string_view> known;
  bool has_v2_columns = false;
  bool lacks_v2_columns = false;
  for_each_table_column<Record>(schema_generation::v2, [&](const auto& column) {
    using C = std::remove_cvref_t<decltype(column)>;
    known.insert(column.name);
    const auto it = actual.find(std::string(column.name));
    if (it == actual.end()) {
      if (column.has(column_flag::v2)) {
        lacks_v2_columns = true;
        return;
      }
      throw pg_error(
          fmt::format("table {} has no column {}, which customerdb needs", table, column.name));
    }
    if (column.has(column_flag::v2)) has_v2_columns = true;
    if (!type_fits(pg_type_of<C>(), it->second))
      throw pg_error(fmt::format("column {}.{} is {}; customerdb reads it as {}", table,
                                 column.name, it->second, pg_type_of<C>()));
  });
  for (const auto& [name, type] : actual)
    if (!known.contains(name))
      throw pg_error(fmt::format("table {} has a column customerdb does not know: {} ({})", table,
                                 name, type));
  if (has_v2_columns && lacks_v2_columns)
    throw pg_error(fmt::format("table {} has only some of Medusa v2's columns", table));
  return has_v2_columns;
}

}  // namespace

std::string current_schema(connection& db) {
  return PQgetvalue(db.exec("SELECT current_schema()").get(), 0, 0);
}

std::optional<schema_generation> inspect_medusa_tables(connection& db) {
  const auto tables = read_columns(db);
  if (tables.empty()) return std::nullopt;
  std::string missing;
  for (const auto name : medusa_table_names)
    if (!tables.contains(name)) missing += fmt::format("{}{}", missing.empty() ? "" : ", ", name);
  if (!missing.empty())
    throw pg_error(
        fmt::format("the database has only some of Medusa's customer tables: {} "
                    "missing (schema {})",
                    missing, current_schema(db)));
  check_table<customer_record>(tables.find("customer")->second);
  check_table<customer_group_record>(tables.find("customer_group")->second);
  const bool address_v2 =
      check_table<customer_address_record>(tables.find("customer_address")->second);
  const bool membership_v2 =
      check_table<customer_group_customer_record>(tables.find("customer_group_customer")->second);
  if (address_v2 != membership_v2)
    throw pg_error(
        fmt::format("customer_address {} deleted_at but customer_group_customer {}: "
                    "neither Medusa's May 2024 tables nor v2's",
                    address_v2 ? "has" : "has no", membership_v2 ? "has" : "has not"));
  return address_v2 ? schema_generation::v2 : schema_generation::may_2024;
}

}  // namespace customerdb::postgres
